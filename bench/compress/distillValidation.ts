/**
 * Chooses the compress bench's distillation settings without looking at the test digits: part of
 * the 8,000 training digits is held out as validation, the teacher and the students are trained on
 * the rest, and every setting is scored on the held-out rows against the same student trained
 * without a teacher (same seed, same epochs). `holdout: "block"` (the default) holds out the last
 * quarter of each digit's training rows in the mnist package's order, as the test split is the last
 * fifth of each digit (bench/digits/digitsIdx.ts); `"random"` holds out a seeded random 1,600.
 * Not a bench: run it by hand with a JSON plan, e.g.
 *
 *   node --import tsx bench/compress/distillValidation.ts \
 *     '{"teacher":{"filters":[16,32],"dense":[64],"epochs":10},"seeds":[1,2,3],
 *       "students":[{"filters":[8,16],"dense":[],"epochs":10,"settings":[[4,0.5],[8,0.5],[4,0.1]]}]}'
 *
 * Settings are [temperature, alpha] pairs. The teacher takes `dropout` and any trainer params in
 * `train` (e.g. `{"labelSmoothing":0.1}`), each student trainer params in `train` (given to the
 * plain and the distilled student alike), and `augment` (prep.augment params) trains every student
 * on augmented rows. Each setting prints its mean gain over the plain student and on how many seeds
 * it is ahead. Figures recorded with it are in compress.bench.ts; its students' augmentation was chosen with
 * `"augment":{"copies":1,"flip":false,"rotate":10,"crop":2,"brightness":0}` (digits must not be mirrored).
 */
import { createRequire } from 'node:module';
import type { DatasetSplit, DatasetValue } from '../../core/common';
import { seededRandom, shuffleInPlace } from '../../core/common/nodes/prep/random';
import { accuracyOn, firstRow, modelStats } from '../../core/node/executors/opt/modelStats';
import { loadDigits } from '../digits/digitsIdx';
import { digitsDataset } from '../digits/trainedModel';
import type { AugmentParams } from '../../core/common/nodes/prep/augment';
import { augmentParams } from '../../core/common/nodes/prep/augment';
import { augmentDataset } from '../../core/common/nodes/prep/augmentImages';
import type { TrainerParams } from '../../core/common/nodes/train/trainer';
import { cnn, train } from './digitsModels';

interface Plan {
  holdout?: 'block' | 'random';
  /** The teacher; `dropout` before its output layer, `train` any other trainer params (e.g. labelSmoothing). */
  teacher: { filters: number[]; dense: number[]; epochs: number; dropout?: number; train?: Partial<TrainerParams> };
  seeds: number[];
  /** prep.augment params: the students (with and without the teacher alike) train on the augmented rows. */
  augment?: Partial<AugmentParams>;
  students: {
    filters: number[];
    dense: number[];
    epochs: number;
    train?: Partial<TrainerParams>;
    settings: [number, number][];
  }[];
}

const plan = JSON.parse(process.argv[2] ?? '') as Plan;
const full = digitsDataset(loadDigits());
const all = full.splits.train;
/**
 * Each training row's place in its digit's list in the mnist package, found by replaying
 * digitsFromPackage's split and shuffle (checked against the labels).
 */
function packagePlaces(): { place: number[]; cut: number[] } {
  const require = createRequire(import.meta.url);
  const list: [number, number][] = [];
  const cut: number[] = [];
  for (let d = 0; d < 10; d++) {
    const count = Math.floor((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data.length / 784);
    cut.push(Math.round(count * 0.8));
    for (let i = 0; i < cut[d]; i++) list.push([d, i]);
  }
  shuffleInPlace(list, seededRandom(1234));
  list.forEach(([d], r) => {
    if (all.y[r] !== d) throw new Error(`training row ${r}: label ${all.y[r]}, replayed digit ${d}`);
  });
  return { place: list.map(([, i]) => i), cut };
}

/** Training rows, the held-out ones first, and how many are held out. */
function holdout(): { order: Uint32Array; held: number } {
  if (plan.holdout === 'random') {
    const order = shuffleInPlace(
      Uint32Array.from({ length: all.n }, (_, i) => i),
      seededRandom(777),
    );
    return { order, held: 1600 };
  }
  const { place, cut } = packagePlaces();
  const rows = Array.from({ length: all.n }, (_, r) => r);
  const late = rows.filter((r) => place[r] >= Math.round(0.75 * cut[all.y[r]]));
  const early = rows.filter((r) => place[r] < Math.round(0.75 * cut[all.y[r]]));
  return { order: Uint32Array.from([...late, ...early]), held: late.length };
}

const { order, held } = holdout();
const take = (rows: Uint32Array): DatasetSplit => {
  const x = new Float32Array(rows.length * 784);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(all.x.subarray(r * 784, (r + 1) * 784), i * 784);
    y[i] = all.y[r];
  });
  return { x, y, n: rows.length };
};
const validation = take(order.slice(0, held));
const data: DatasetValue = { ...full, splits: { train: take(order.slice(held)) } };
const studentData = plan.augment ? augmentDataset(data, augmentParams.parse(plan.augment)) : data;
const pct = (x: number): string => (x * 100).toFixed(2);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const row = await firstRow(validation, [1, 28, 28]);
const t = plan.teacher;
const teacher = await train(cnn(t.filters, t.dense, t.dropout), data, { epochs: t.epochs, seed: 1, ...t.train });
console.log(
  `${plan.holdout ?? 'block'} holdout: ${held} validation rows, ${all.n - held} training rows` +
    (plan.augment
      ? `; students train on ${studentData.splits.train.n} rows (augment ${JSON.stringify(plan.augment)})`
      : ''),
);
console.log(
  `teacher conv${t.filters.join('-')} dense${t.dense.join('-')}${t.dropout ? ` dropout ${t.dropout}` : ''}, ${t.epochs} epochs${t.train ? ` ${JSON.stringify(t.train)}` : ''}: ` +
    `${(await modelStats(teacher, row)).parameters} parameters, validation ${pct(await accuracyOn(teacher, validation))}%`,
);
for (const s of plan.students) {
  const spec = cnn(s.filters, s.dense);
  const plain: number[] = [];
  const distilled = s.settings.map(() => [] as number[]);
  let parameters = 0;
  for (const seed of plan.seeds) {
    const without = await train(spec, studentData, { epochs: s.epochs, seed, ...s.train });
    parameters = (await modelStats(without, row)).parameters;
    plain.push(await accuracyOn(without, validation));
    for (const [i, [temperature, alpha]] of s.settings.entries()) {
      const d = await train(spec, studentData, { epochs: s.epochs, seed, ...s.train, temperature, alpha }, { teacher });
      distilled[i].push(await accuracyOn(d, validation));
    }
  }
  console.log(
    `student conv${s.filters.join('-')} dense${s.dense.join('-') || ' none'}, ${s.epochs} epochs${s.train ? ` ${JSON.stringify(s.train)}` : ''}, ${parameters} parameters, ` +
      `validation % per seed ${plan.seeds.join(',')} (mean): without teacher ${plain.map(pct).join(' ')} (${pct(mean(plain))}); ` +
      s.settings
        .map(([T, a], i) => {
          const gain = distilled[i].map((d, k) => d - plain[k]);
          const wins = gain.filter((g) => g > 0).length;
          return `T ${T} alpha ${a}: ${distilled[i].map(pct).join(' ')} (${pct(mean(distilled[i]))}, gain ${pct(mean(gain))}, ahead on ${wins} of ${gain.length} seeds)`;
        })
        .join('; '),
  );
}
