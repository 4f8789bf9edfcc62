import type { ImportanceValue } from '../../core/common';

/** eval.importance: one horizontal bar per feature (mean drop), with a ± sd whisker, sorted. */
export function ImportanceView({ importance: imp }: { importance: ImportanceValue }) {
  const max = Math.max(1e-12, ...imp.features.map((f) => Math.abs(f.mean) + f.std));
  const pct = (v: number): number => (Math.max(0, v) / max) * 100;
  return (
    <div className="weft-card" data-testid="importance-chart">
      <h4>
        Permutation importance: drop in {imp.metric} (from {imp.baseline.toFixed(4)}) when a column is shuffled, mean ±
        sd over {imp.repeats} shuffles
      </h4>
      <div className="weft-importance">
        {imp.features.map((f) => (
          <div className="weft-importance-row" key={f.name} data-testid={`importance-${f.name}`}>
            <span className="weft-importance-name" title={f.name}>
              {f.name}
            </span>
            <div className="weft-meter wide">
              <div className="weft-meter-fill" style={{ width: `${pct(f.mean)}%` }} />
              <div
                className="weft-meter-whisker"
                style={{ left: `${pct(f.mean - f.std)}%`, width: `${pct(f.mean + f.std) - pct(f.mean - f.std)}%` }}
              />
            </div>
            <span className="num">
              {f.mean.toFixed(4)} ± {f.std.toFixed(4)}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
