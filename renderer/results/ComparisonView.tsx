import { useState } from 'react';
import type { ComparisonValue, LearnerComparison } from '../../core/common';
import { ConfusionMatrix } from './ConfusionMatrix';
import { RocCurves } from './RocCurves';

type SortKey = 'learner' | 'fit' | 'predict' | string;

function valueOf(l: LearnerComparison, key: SortKey): number | string {
  if (key === 'learner') return l.id;
  if (key === 'fit') return l.fitSeconds;
  if (key === 'predict') return l.predictSeconds;
  return l.scores[key]?.mean ?? NaN;
}

function versus(l: LearnerComparison, alpha: number): string {
  if (l.best) return 'best';
  const v = l.versusBest;
  if (!v || Number.isNaN(v.p)) return 'n/a';
  return `p=${v.p < 1e-4 ? v.p.toExponential(1) : v.p.toFixed(3)}${v.significant ? ` < ${alpha}` : ' (n.s.)'}`;
}

function Bar({ value, max, best }: { value: number; max: number; best: boolean }) {
  const width = Number.isFinite(value) && max > 0 ? Math.max(0, Math.min(1, value / max)) * 100 : 0;
  return (
    <div className="weft-meter">
      <div className={best ? 'weft-meter-fill best' : 'weft-meter-fill'} style={{ width: `${width}%` }} />
    </div>
  );
}

/** eval.compare: a sortable table of mean ± sd per learner with bars, overlaid ROC curves, confusion matrices. */
export function ComparisonView({ comparison: c, classNames }: { comparison: ComparisonValue; classNames?: string[] }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: c.rankBy, desc: c.higherIsBetter });
  const [shown, setShown] = useState(0);
  const [rocClass, setRocClass] = useState(0);
  const rows = [...c.learners].sort((a, b) => {
    const x = valueOf(a, sort.key);
    const y = valueOf(b, sort.key);
    const d = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x - y;
    return sort.desc ? -d : d;
  });
  const max = (key: SortKey): number =>
    Math.max(0, ...c.learners.map((l) => Number(valueOf(l, key))).filter(Number.isFinite));
  const header = (key: SortKey, label: string) => (
    <th
      key={key}
      className="weft-sortable"
      data-testid={`compare-sort-${key}`}
      onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'learner' }))}
    >
      {label}
      {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
    </th>
  );
  const how =
    c.mode === 'cv' ? `${c.folds}-fold cross-validation${c.repeats > 1 ? ` × ${c.repeats}` : ''}` : 'test split';
  const withRoc = c.learners.filter((l) => l.roc && l.roc.length > 0);
  const classes = withRoc[0]?.roc?.map((r) => r.label) ?? [];
  const picked = c.learners[Math.min(shown, c.learners.length - 1)];
  return (
    <div data-testid="comparison-view">
      <div className="weft-card">
        <h4>
          Test &amp; Score ({how}; {c.mode === 'cv' ? 'mean ± sd; ' : ''}best by {c.rankBy}
          {c.mode === 'cv' ? `; corrected resampled t-test at ${c.alpha}` : ''})
        </h4>
        <table className="weft-table weft-compare" data-testid="comparison-table">
          <thead>
            <tr>
              {header('learner', 'learner')}
              {c.metrics.map((m) => header(m, m))}
              {header('fit', 'fit s')}
              {header('predict', 'predict s')}
              <th>vs best</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.id} className={l.best ? 'best' : ''} data-testid={`compare-row-${l.id}`}>
                <td title={l.learner}>
                  {l.best ? '★ ' : ''}
                  {l.id} <span className="weft-muted">{l.learner}</span>
                </td>
                {c.metrics.map((m) => {
                  const s = l.scores[m];
                  return (
                    <td key={m} className="num">
                      {!s || !Number.isFinite(s.mean)
                        ? 'n/a'
                        : c.mode === 'test'
                          ? s.mean.toFixed(4)
                          : `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}`}
                      <Bar value={s?.mean ?? NaN} max={max(m)} best={l.best} />
                    </td>
                  );
                })}
                <td className="num">{l.fitSeconds.toFixed(3)}</td>
                <td className="num">{l.predictSeconds.toFixed(3)}</td>
                <td>{versus(l, c.alpha)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="weft-result-grid">
        {withRoc.length > 0 && (
          <div>
            {classes.length > 1 && (
              <div className="weft-subtabs">
                {classes.map((name, i) => (
                  <button
                    type="button"
                    key={name}
                    className={i === rocClass ? 'active' : ''}
                    onClick={() => setRocClass(i)}
                  >
                    {name}
                  </button>
                ))}
              </div>
            )}
            <RocCurves
              title={`ROC of held-out predictions${classes.length > 1 ? ` (${classes[rocClass]} vs rest)` : ` (${classes[0] ?? ''})`}`}
              roc={withRoc.map((l) => {
                const r = l.roc![Math.min(rocClass, l.roc!.length - 1)];
                return { ...r, label: l.id };
              })}
            />
          </div>
        )}
        {picked?.confusion && (
          <div className="weft-card" data-testid="comparison-confusion">
            <h4>Confusion matrix, summed over {c.mode === 'cv' ? 'folds' : 'the test split'}</h4>
            <div className="weft-subtabs">
              {c.learners.map((l, i) => (
                <button type="button" key={l.id} className={i === shown ? 'active' : ''} onClick={() => setShown(i)}>
                  {l.id}
                </button>
              ))}
            </div>
            <ConfusionMatrix matrix={picked.confusion} {...(classNames ? { classNames } : {})} />
          </div>
        )}
      </div>
    </div>
  );
}
