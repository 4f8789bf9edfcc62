import { useMemo } from 'react';
import type { EpochRecord } from '../../core/common';
import { UPlotChart, seriesColor, type Series } from '../results/UPlotChart';

/** Loss and metrics per epoch, train solid and validation dashed, from `epoch.metrics` events. */
export function TrainingCurves({ nodeId, epochs }: { nodeId: string; epochs: EpochRecord[] }) {
  const { x, groups } = useMemo(() => {
    const keys = [...new Set(epochs.flatMap((e) => Object.keys(e.metrics)))];
    const base = (k: string): string => k.replace(/^(train|val|validation)[_.]/, '');
    const bases = [...new Set(keys.map(base))];
    const groups = bases.map((b) => ({
      name: b,
      series: keys
        .filter((k) => base(k) === b)
        .map((k, i): Series => ({
          label: k,
          values: epochs.map((e) => e.metrics[k] ?? null),
          color: seriesColor(i),
          dash: /^(val|validation)/.test(k),
          points: epochs.length < 30,
        })),
    }));
    return { x: epochs.map((e) => e.epoch), groups };
  }, [epochs]);
  return (
    <div className="weft-curves" data-testid={`curves-${nodeId}`}>
      {groups.map((g) => (
        <div key={g.name} className="weft-curve">
          <h4>
            {nodeId}: {g.name}
          </h4>
          <UPlotChart x={x} series={g.series} xLabel="epoch" height={160} />
        </div>
      ))}
    </div>
  );
}
