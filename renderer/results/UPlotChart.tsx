import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { downloadPng } from './downloadPng';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: boolean;
  points?: boolean;
  /** Draw the line across missing (null) points. @default false */
  spanGaps?: boolean;
}

const palette = ['#1971c2', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c', '#5c940d'];
export const seriesColor = (i: number): string => palette[i % palette.length];

/** uPlot is loaded with the first chart, not with the canvas. */
let uPlotModule: Promise<typeof uPlot> | undefined;
const loadUPlot = (): Promise<typeof uPlot> => (uPlotModule ??= import('uplot').then((m) => m.default));

/** A small uPlot line/scatter chart that redraws when its data changes, with a PNG button. */
export function UPlotChart({
  x,
  series,
  xLabel,
  height = 220,
  testId,
  scatter,
  exportName,
  timeAxis,
}: {
  x: number[];
  series: Series[];
  xLabel: string;
  height?: number;
  testId?: string;
  scatter?: boolean;
  /** The PNG's file name. @default the series labels */
  exportName?: string;
  /** `x` is seconds since 1970: label the axis with dates. @default false */
  timeAxis?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useRef<uPlot.AlignedData>([]);
  data.current = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
  const shape = series.map((s) => s.label).join('|');
  // Rebuilt only when the series change; data updates go through setData below.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let gone = false;
    let ro: ResizeObserver | undefined;
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height,
      scales: { x: { time: timeAxis ?? false } },
      axes: [{ label: xLabel }, {}],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(s.dash ? { dash: [6, 4] } : {}),
          ...(s.spanGaps ? { spanGaps: true } : {}),
          ...(scatter
            ? { paths: () => null, points: { show: true, size: 4, fill: s.color } }
            : { points: { show: s.points ?? false } }),
        })),
      ],
    };
    void loadUPlot().then((UPlot) => {
      if (gone) return;
      plot.current = new UPlot(opts, data.current, el);
      ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(240, el.clientWidth), height }));
      ro.observe(el);
    });
    return () => {
      gone = true;
      ro?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, height, xLabel, scatter, timeAxis]);
  useEffect(() => {
    plot.current?.setData(data.current);
  }, [x, series]);
  return (
    <div className="weft-chart-box" data-testid={testId}>
      <button
        type="button"
        className="weft-plot-export weft-chart-export"
        title="Save this plot as a PNG image"
        onClick={() => plot.current && downloadPng(plot.current.ctx.canvas, exportName ?? `${shape}-by-${xLabel}`)}
      >
        PNG
      </button>
      <div className="weft-chart" ref={box} />
    </div>
  );
}
