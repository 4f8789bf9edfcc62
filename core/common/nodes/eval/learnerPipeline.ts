import { splitDigest } from '../../learners/trainedOn';
import { TFIDF_DEFAULTS } from '../../transforms/tfidf';
import type { DatasetValue, FittedTransform, LearnerValue, RawFeature } from '../../values';
import { DataError } from '../prep/DataError';
import { describeStep } from './preparationDiff';

/**
 * The fitted steps a learner carries from the compared dataset's raw columns to its own features,
 * as a scikit-learn Pipeline carries its transformers: eval.compare fits them again on each fold's
 * training rows (on the train split in mode test) and applies them to the held-out rows.
 */
export interface LearnerPipeline {
  rawFeatures: RawFeature[];
  transforms: FittedTransform[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const quoted = (xs: readonly string[] | undefined): string =>
  xs?.length ? xs.map((x) => `'${x}'`).join(', ') : 'none';

/** Steps fitted on a text column's raw values that replace the column's earlier steps (prep.tfidf, prep.tokenize). */
const TEXT_ENCODERS = new Set<string>(['tfidf', 'tokenize']);

/** Whether a column's steps are the TF-IDF prep.split gives a listed text column (scikit-learn's defaults). */
const splitDefault = (steps: readonly FittedTransform[]): boolean =>
  steps.length === 1 &&
  steps[0].kind === 'tfidf' &&
  Object.entries(TFIDF_DEFAULTS).every(([k, v]) => same(v, (steps[0] as unknown as Record<string, unknown>)[k]));

const FIX =
  "connect eval.compare's data to the dataset the learners' training data comes from (e.g. the prep.split output " +
  'that their preparation steps start from)';

/**
 * The preparation `learner` (named `name` in messages) adds to the compared dataset `data`, or
 * undefined when it was fitted on data prepared as `data` is (or records nothing of its data). A
 * DataError says what differs when its training data does not come from `data`: another source,
 * other rows in a split, another target or classes, a column it reads that `data` lacks, or a
 * fitted step of `data` that its preparation does not start with. A text column's default TF-IDF
 * from prep.split counts as kept when the learner's prep.tfidf or prep.tokenize replaced it, as
 * those nodes do.
 */
export function learnerPipeline(learner: LearnerValue, data: DatasetValue, name: string): LearnerPipeline | undefined {
  const t = learner.trainedOn;
  if (!t) return undefined;
  const refuse = (what: string): never => {
    throw new DataError(`${name} was trained on data that does not come from the compared dataset: ${what}; ${FIX}`);
  };
  if (t.targetName !== data.targetName)
    refuse(`its target is '${t.targetName ?? '?'}', the compared dataset's '${data.targetName ?? '?'}'`);
  if (!same(t.classNames ?? [], data.classNames ?? []))
    refuse(`its classes are ${quoted(t.classNames)}, the compared dataset's ${quoted(data.classNames)}`);
  if ((t.targetDim ?? 1) !== (data.targetDim ?? 1))
    refuse(`its target has ${t.targetDim ?? 1} values a row, the compared dataset's ${data.targetDim ?? 1}`);
  const fingerprint = data.fingerprint;
  if (t.fingerprint !== undefined && fingerprint !== undefined && t.fingerprint !== fingerprint)
    refuse(
      `it comes from another source table (content hash ${t.fingerprint.slice(0, 12)}, the compared dataset's ${fingerprint.slice(0, 12)})`,
    );
  if (!same(t.window ?? null, data.window ?? null)) refuse('its time-series windows (prep.window) differ');
  for (const split of new Set([...Object.keys(t.splits), ...Object.keys(data.splits)])) {
    const mine = t.splits[split];
    const theirs = data.splits[split] && splitDigest(data.splits[split]);
    if (!mine || !theirs)
      refuse(
        mine
          ? `it has a ${split} split of ${mine.n} rows, the compared dataset none`
          : `the compared dataset has a ${split} split of ${theirs.n} rows, its data none`,
      );
    else if (mine.n !== theirs.n)
      refuse(`its ${split} split has ${mine.n} rows, the compared dataset's ${theirs.n} (another split)`);
    else if (mine.rows !== theirs.rows)
      refuse(`its ${split} split holds other rows than the compared dataset's (both ${mine.n}; another split or seed)`);
    else if (mine.labels !== theirs.labels) refuse(`the rows of its ${split} split carry other labels`);
  }
  const rawFeatures = t.rawFeatures ?? data.rawFeatures ?? [];
  if (same(rawFeatures, data.rawFeatures ?? []) && same(t.transforms, data.transforms)) return undefined;
  const raw = data.splits.train?.raw;
  if (!raw || !data.rawFeatures)
    refuse(
      `it was prepared by ${t.transforms.map(describeStep).join(', ') || 'no fitted steps'}, and the compared dataset ` +
        'has no raw columns to fit them on',
    );
  for (const f of rawFeatures) {
    const g = data.rawFeatures!.find((r) => r.name === f.name);
    if (!g || g.type !== f.type || !raw!.some((c) => c.name === f.name))
      refuse(
        `it reads the column '${f.name}' (${f.type}), which the compared dataset ${g ? `holds as ${g.type}` : 'does not have as a feature'}`,
      );
  }
  for (const column of new Set(data.transforms.map((s) => s.column))) {
    if (!rawFeatures.some((f) => f.name === column)) continue;
    const mine = t.transforms.filter((s) => s.column === column);
    const theirs = data.transforms.filter((s) => s.column === column);
    if (mine.length && TEXT_ENCODERS.has(mine[0].kind) && splitDefault(theirs)) continue;
    const k = theirs.findIndex((s, i) => !same(s, mine[i]));
    if (k < 0) continue;
    refuse(
      mine[k]
        ? `the compared dataset has ${describeStep(theirs[k])} where its preparation has ${describeStep(mine[k])}`
        : `the compared dataset has ${describeStep(theirs[k])}, which its preparation of '${column}' ` +
            `(${mine.map(describeStep).join(', ') || 'no fitted steps'}) lacks`,
    );
  }
  return { rawFeatures, transforms: t.transforms };
}
