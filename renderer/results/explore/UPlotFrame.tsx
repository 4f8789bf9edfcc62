import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { downloadPng } from '../downloadPng';

/** What a plot draws: its uPlot options (without the size) and data, built once uPlot is loaded. */
export type PlotSpec = (U: typeof uPlot) => { opts: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData };

let uPlotModule: Promise<typeof uPlot> | undefined;
const loadUPlot = (): Promise<typeof uPlot> => (uPlotModule ??= import('uplot').then((m) => m.default));

/**
 * One uPlot chart in a card with a title and a PNG button; rebuilt when `specKey` changes, resized
 * with its box. Every data view draws through it, so they share one charting library and one export.
 */
export function UPlotFrame({
  title,
  spec,
  specKey,
  height = 240,
  testId,
  exportName,
  children,
}: {
  title: React.ReactNode;
  spec: PlotSpec;
  specKey: string;
  height?: number;
  testId?: string;
  exportName: string;
  children?: React.ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const specRef = useRef(spec);
  specRef.current = spec;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let gone = false;
    let ro: ResizeObserver | undefined;
    void loadUPlot().then((U) => {
      if (gone) return;
      const { opts, data } = specRef.current(U);
      plot.current = new U({ ...opts, width: Math.max(200, el.clientWidth), height }, data, el);
      ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
      ro.observe(el);
    });
    return () => {
      gone = true;
      ro?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [specKey, height]);
  return (
    <div className="weft-card weft-plot" data-testid={testId}>
      <div className="weft-plot-head">
        <h4>{title}</h4>
        <button
          type="button"
          className="weft-plot-export"
          title="Save this plot as a PNG image"
          data-testid="export-png"
          onClick={() => plot.current && downloadPng(plot.current.ctx.canvas, exportName)}
        >
          PNG
        </button>
      </div>
      {children}
      <div className="weft-chart" ref={box} />
    </div>
  );
}
