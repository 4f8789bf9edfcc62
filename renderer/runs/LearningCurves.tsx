import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { curveData, curveMetrics, type RunRecord } from '../../core/common/runs';
import { downloadPng } from '../results/downloadPng';

/** Whole-epoch tick spacings for the x axis. */
const epochSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

export interface LearningCurvesProps {
  records: readonly RunRecord[];
  width?: number;
  height?: number;
}

/** The selected runs' per-epoch metric, overlaid on one epoch axis; a picker chooses the metric. */
export function LearningCurves({ records, width = 640, height = 240 }: LearningCurvesProps) {
  const metrics = useMemo(() => curveMetrics(records), [records]);
  const [metric, setMetric] = useState<string | undefined>(undefined);
  const shown = metric && metrics.includes(metric) ? metric : metrics[0];
  const data = useMemo(() => (shown ? curveData(records, shown) : undefined), [records, shown]);
  const box = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el || !data || !data.series.length) return undefined;
    const fit = el.clientWidth > 0 ? Math.max(240, Math.min(width, el.clientWidth)) : width;
    const plot = new uPlot(
      {
        width: fit,
        height,
        scales: { x: { time: false } },
        axes: [{ label: 'epoch', incrs: epochSteps }, { label: shown }],
        series: [
          { label: 'epoch' },
          ...data.series.map((s, i) => ({
            label: s.label,
            stroke: palette[i % palette.length],
            width: 2,
            spanGaps: false,
          })),
        ],
      },
      [data.epochs, ...data.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    plotRef.current = plot;
    return () => {
      plotRef.current = null;
      plot.destroy();
    };
  }, [data, shown, width, height]);

  if (!records.length) return <p className="runs-hint">Select runs to overlay their learning curves.</p>;
  if (!metrics.length) return <p className="runs-hint">The selected runs recorded no per-epoch metrics.</p>;
  return (
    <div className="runs-curves" data-testid="runs-curves">
      <label>
        metric{' '}
        <select value={shown} onChange={(e) => setMetric(e.target.value)}>
          {metrics.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>{' '}
      <button
        type="button"
        title="Save this plot as a PNG image"
        onClick={() => plotRef.current && downloadPng(plotRef.current.ctx.canvas, `learning-curves-${shown ?? ''}`)}
      >
        PNG
      </button>
      <div ref={box} />
    </div>
  );
}
