import type { TrialUpdate } from '../../core/common';
import { paretoFront } from '../../core/common/search/pareto';

const W = 520;
const H = 180;
const PAD = 28;

/** Where each value sits on an axis from 0 (bottom) to 1 (top): numbers by range (log when wide), anything else by category. */
function axis(values: unknown[]): (v: unknown) => number {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (nums.length === values.length && nums.length) {
    const log = Math.min(...nums) > 0 && Math.max(...nums) / Math.min(...nums) > 100;
    const f = (v: number): number => (log ? Math.log(v) : v);
    const lo = Math.min(...nums.map(f));
    const hi = Math.max(...nums.map(f));
    return (v) => (hi > lo ? (f(v as number) - lo) / (hi - lo) : 0.5);
  }
  const cats = [...new Set(values.map((v) => JSON.stringify(v)))];
  return (v) => (cats.length > 1 ? cats.indexOf(JSON.stringify(v)) / (cats.length - 1) : 0.5);
}

/** Parallel coordinates of the finished trials' values and objective (the best drawn darkest), and the objective-vs-cost Pareto front when trials report a cost. */
export function TrialsPlots({ trials }: { trials: readonly TrialUpdate[] }) {
  const done = trials.filter((t) => t.status === 'finished' && t.objective !== undefined);
  if (done.length < 2) return null;
  const keys = Object.keys(done[0]?.params ?? {});
  const axes = [...keys.map((k) => axis(done.map((t) => t.params[k]))), axis(done.map((t) => t.objective))];
  const names = [...keys.map((k) => k.slice(k.indexOf('.') + 1)), done[0]?.metric ?? 'objective'];
  const ax = (i: number): number => PAD + (i * (W - 2 * PAD)) / Math.max(1, names.length - 1);
  const ay = (f: number): number => H - PAD - f * (H - 2 * PAD);
  const objective = axes[axes.length - 1];
  const maximize = done[0]?.maximize ?? true;
  const costed = done.filter((t) => t.cost !== undefined);
  const front = new Set(
    paretoFront(
      costed.map((t) => ({ objective: t.objective as number, cost: t.cost as number })),
      maximize,
    ).map((i) => costed[i]?.index),
  );
  const cx = axis(costed.map((t) => t.cost));
  return (
    <div className="weft-trials-plots">
      <svg width={W} height={H} data-testid="trials-parallel" role="img" aria-label="parameters against the objective">
        {names.map((n, i) => (
          <g key={n}>
            <line x1={ax(i)} x2={ax(i)} y1={PAD} y2={H - PAD} stroke="#adb5bd" />
            <text x={ax(i)} y={H - 8} textAnchor="middle" fontSize="10">
              {n}
            </text>
          </g>
        ))}
        {done.map((t) => {
          const q = maximize ? objective(t.objective) : 1 - objective(t.objective);
          const points = [...keys.map((k) => t.params[k]), t.objective]
            .map((v, i) => `${ax(i)},${ay(axes[i](v))}`)
            .join(' ');
          return (
            <polyline key={t.index} points={points} fill="none" stroke="#1971c2" strokeOpacity={0.15 + 0.85 * q}>
              <title>{`trial ${t.index}: ${t.metric} ${t.objective?.toFixed(4)}`}</title>
            </polyline>
          );
        })}
      </svg>
      {costed.length > 1 && (
        <svg width={W / 2} height={H} data-testid="trials-pareto" role="img" aria-label="objective against cost">
          <text x={W / 4} y={H - 8} textAnchor="middle" fontSize="10">
            cost
          </text>
          {costed.map((t) => (
            <circle
              key={t.index}
              cx={PAD + cx(t.cost) * (W / 2 - 2 * PAD)}
              cy={ay(objective(t.objective))}
              r={front.has(t.index) ? 5 : 3}
              fill={front.has(t.index) ? '#e8590c' : '#adb5bd'}
              data-front={front.has(t.index) ? 'yes' : 'no'}
            >
              <title>{`trial ${t.index}: ${t.metric} ${t.objective?.toFixed(4)}, cost ${t.cost}`}</title>
            </circle>
          ))}
        </svg>
      )}
    </div>
  );
}
