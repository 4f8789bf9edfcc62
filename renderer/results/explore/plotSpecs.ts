import type uPlot from 'uplot';
import type { ColumnDistribution } from '../../../core/common';
import { seriesColor } from '../UPlotChart';
import type { PlotSpec } from './UPlotFrame';

const fmt = (v: number): string =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4));

/** A histogram (numbers) or bar chart (categories) of one column. */
export function distributionSpec(d: ColumnDistribution): PlotSpec {
  return (U) => {
    const bars = U.paths.bars!({ size: [0.92, Infinity], align: 0 });
    if (d.kind === 'numeric') {
      const centers = d.counts.map((_, i) => (d.edges[i] + d.edges[i + 1]) / 2);
      const lo = d.edges[0] ?? 0;
      const hi = d.edges.at(-1) ?? 1;
      return {
        opts: {
          legend: { show: false },
          scales: { x: { time: false, range: [lo, hi] }, y: { range: (_u, _a, max) => [0, Math.max(1, max) * 1.05] } },
          axes: [{ values: (_u, ticks) => ticks.map(fmt) }, {}],
          series: [
            {},
            {
              label: 'rows',
              fill: seriesColor(0) + 'cc',
              stroke: seriesColor(0),
              paths: bars,
              points: { show: false },
            },
          ],
        },
        data: [centers, d.counts],
      };
    }
    const labels = d.bars.map((b) => b.label);
    const xs = labels.map((_, i) => i);
    return {
      opts: {
        legend: { show: false },
        scales: {
          x: { time: false, range: [-0.6, labels.length - 0.4] },
          y: { range: (_u, _a, max) => [0, Math.max(1, max) * 1.05] },
        },
        axes: [
          {
            splits: () => xs,
            values: (_u, ticks) => ticks.map((t) => labels[t] ?? ''),
            rotate: labels.length > 6 ? -45 : 0,
            size: labels.length > 6 ? 70 : 40,
          },
          {},
        ],
        series: [
          {},
          { label: 'rows', fill: seriesColor(1) + 'cc', stroke: seriesColor(1), paths: bars, points: { show: false } },
        ],
      },
      data: [xs, d.bars.map((b) => b.count)],
    };
  };
}

/**
 * Points (x[i], y[i]) coloured by class: one series per class (uPlot's aligned data, sorted by x,
 * other classes' cells null). Without classes, one series.
 */
export function scatterSpec(
  x: (number | null)[],
  y: (number | null)[],
  classIndex: (number | null)[] | undefined,
  classes: string[] | undefined,
  labels: { x: string; y: string },
): PlotSpec {
  return () => {
    const idx = x.map((_, i) => i).filter((i) => x[i] !== null && y[i] !== null);
    idx.sort((a, b) => x[a]! - x[b]!);
    const groups = classes && classIndex ? classes : ['rows'];
    const series = groups.map((_, k) =>
      idx.map((i) => ((classes && classIndex ? classIndex[i] === k : true) ? y[i] : null)),
    );
    return {
      opts: {
        scales: { x: { time: false } },
        axes: [
          { label: labels.x, values: (_u, t) => t.map(fmt) },
          { label: labels.y, values: (_u, t) => t.map(fmt) },
        ],
        cursor: { points: { show: false } },
        series: [
          { label: labels.x },
          ...groups.map((g, k) => ({
            label: g,
            stroke: seriesColor(k),
            paths: () => null,
            points: { show: true, size: 5, fill: seriesColor(k), stroke: seriesColor(k) },
          })),
        ],
      },
      data: [idx.map((i) => x[i]!), ...series] as uPlot.AlignedData,
    };
  };
}

/** Pearson's r as a colour: blue for positive, red for negative, grey where undefined. */
export function correlationColor(r: number | null): string {
  if (r === null) return '#dee2e6';
  return r >= 0 ? `rgba(25, 113, 194, ${Math.abs(r)})` : `rgba(224, 49, 49, ${Math.abs(r)})`;
}

/** A correlation heatmap drawn on uPlot's canvas: row i from the top, column j from the left. */
export function heatmapSpec(columns: string[], matrix: (number | null)[][]): PlotSpec {
  const d = columns.length;
  const ticks = columns.map((_, i) => i + 0.5);
  return () => ({
    opts: {
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [0, d] }, y: { range: [0, d] } },
      axes: [
        { splits: () => ticks, values: () => columns, rotate: -45, size: 90, grid: { show: false } },
        { splits: () => ticks, values: () => [...columns].reverse(), size: 100, grid: { show: false } },
      ],
      series: [{}, { paths: () => null, points: { show: false } }],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            const w = u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true);
            const h = u.valToPos(0, 'y', true) - u.valToPos(1, 'y', true);
            ctx.save();
            ctx.textAlign = 'center';
            ctx.textBaseline = 'middle';
            ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
            for (let i = 0; i < d; i++)
              for (let j = 0; j < d; j++) {
                const r = matrix[i][j];
                const left = u.valToPos(j, 'x', true);
                const top = u.valToPos(d - i, 'y', true);
                ctx.fillStyle = correlationColor(r);
                ctx.fillRect(left + 1, top + 1, w - 2, h - 2);
                if (d <= 12 && w > 28) {
                  ctx.fillStyle = r !== null && Math.abs(r) > 0.55 ? '#fff' : '#212529';
                  ctx.fillText(r === null ? '—' : r.toFixed(2), left + w / 2, top + h / 2);
                }
              }
            ctx.restore();
          },
        ],
      },
    },
    data: [
      [0, d],
      [null, null],
    ],
  });
}
