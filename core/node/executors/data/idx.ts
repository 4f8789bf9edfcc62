import type { IdxParams } from '../../../common/nodes/data/idx';
import { tensorDataset } from '../../../common/nodes/data/tensorDataset';
import { checkSameSamples, remapTestClasses, testSplitOf, withTestSplit } from '../../../common/nodes/data/testSource';
import { splitLabel } from '../../../common/metrics/splitLabel';
import { readIdx, type IdxArray } from '../../data/readIdx';
import { asUserError } from '../prep/asUserError';
import { resolveParamPath, UserError, type Executor } from '../Executor';

interface IdxSamples {
  imgFile: string;
  img: IdxArray;
  lblFile: string;
  lbl: IdxArray;
  featureShape: number[];
}

async function readPair(imgFile: string, lblFile: string): Promise<IdxSamples> {
  const img = await readIdx(imgFile);
  const lbl = await readIdx(lblFile);
  if (lbl.dims.length !== 1)
    throw new UserError(`${lblFile}: labels must be one-dimensional, found shape [${lbl.dims.join(', ')}]`);
  const n = img.dims[0];
  if (lbl.dims[0] !== n) throw new UserError(`${lblFile}: ${lbl.dims[0]} labels for ${n} samples in ${imgFile}`);
  const featureShape = img.dims.length === 3 ? [1, img.dims[1], img.dims[2]] : img.dims.slice(1);
  return { imgFile, img, lblFile, lbl, featureShape };
}

/** The rows whose label is in `classes` (all when empty), at most `perClass` per label (0 = no cap), in file order. */
function keepRows(s: IdxSamples, classes: readonly number[], perClass: number): IdxSamples {
  if (!classes.length && !perClass) return s;
  const wanted = new Set(classes);
  const seen = new Map<number, number>();
  const rows: number[] = [];
  s.lbl.data.forEach((v, i) => {
    if (wanted.size && !wanted.has(v)) return;
    const k = seen.get(v) ?? 0;
    if (perClass && k >= perClass) return;
    seen.set(v, k + 1);
    rows.push(i);
  });
  const missing = classes.filter((c) => !seen.has(c));
  if (missing.length)
    throw new UserError(
      `${s.lblFile}: no rows with label ${missing.join(', ')}; the classes param lists labels the file does not have`,
    );
  const per = s.img.dims.slice(1).reduce((a, b) => a * b, 1);
  const Img = s.img.data.constructor as new (n: number) => IdxArray['data'];
  const img = new Img(rows.length * per);
  const lbl = new (s.lbl.data.constructor as new (n: number) => IdxArray['data'])(rows.length);
  rows.forEach((r, k) => {
    img.set(s.img.data.subarray(r * per, (r + 1) * per), k * per);
    lbl[k] = s.lbl.data[r];
  });
  return {
    ...s,
    img: { dims: [rows.length, ...s.img.dims.slice(1)], data: img },
    lbl: { dims: [rows.length], data: lbl },
  };
}

const classesOf = (lbl: IdxArray): number[] => [...new Set(Array.from(lbl.data))].sort((a, b) => a - b);

export const idxExecutor: Executor<IdxParams> = async (ctx) => {
  const { images, labels, testImages, testLabels } = ctx.params;
  if (!images || !labels) throw new UserError(`node ${ctx.nodeId}: choose both the images and the labels IDX files`);
  if (!testImages !== !testLabels)
    throw new UserError(`node ${ctx.nodeId}: choose both the test images and the test labels IDX files, or neither`);
  const { classes, perClass } = ctx.params;
  const train = keepRows(
    await readPair(resolveParamPath(ctx, images, 'read'), resolveParamPath(ctx, labels, 'read')),
    classes,
    perClass,
  );
  ctx.progress(0.5, 'samples read');
  const { img, lbl, lblFile, featureShape } = train;
  const n = img.dims[0];
  const scale = ctx.params.scale;
  const x = Float32Array.from(img.data, (v) => v / scale);
  const values = classesOf(lbl);
  if (values.length < 2)
    throw new UserError(`${lblFile}: a single class (${values[0]}); a classifier needs at least two`);
  const index = new Map(values.map((v, k) => [v, k]));
  const y = Int32Array.from(lbl.data, (v) => index.get(v)!);
  const classNames = values.map(String);
  let dataset = asUserError(ctx.nodeId, () =>
    tensorDataset({
      x,
      y,
      featureShape,
      classNames,
      ratios: { validation: ctx.params.validation, test: testImages ? 0 : ctx.params.test },
      seed: ctx.params.seed,
      stratify: ctx.params.stratify,
    }),
  );
  if (testImages) {
    const test = keepRows(
      await readPair(resolveParamPath(ctx, testImages, 'read'), resolveParamPath(ctx, testLabels, 'read')),
      classes,
      0,
    );
    ctx.progress(0.8, 'test samples read');
    const sources = (a: IdxSamples, b: IdxSamples): { train: string; test: string } => ({
      train: `${a.imgFile} (labels ${a.lblFile})`,
      test: `${b.imgFile} (labels ${b.lblFile})`,
    });
    dataset = asUserError(ctx.nodeId, () => {
      checkSameSamples(
        { shape: featureShape, dtype: img.data.constructor.name },
        { shape: test.featureShape, dtype: test.img.data.constructor.name },
        { train: train.imgFile, test: test.imgFile },
      );
      const testValues = classesOf(test.lbl);
      const testIndex = new Map(testValues.map((v, k) => [v, k]));
      const testY = remapTestClasses(
        classNames,
        testValues.map(String),
        Int32Array.from(test.lbl.data, (v) => testIndex.get(v)!),
        sources(train, test),
      );
      const testX = Float32Array.from(test.img.data, (v) => v / scale);
      return withTestSplit(dataset, testSplitOf({ x: testX, y: testY, n: test.img.dims[0] }, test.imgFile));
    });
  }
  const sizes = Object.entries(dataset.splits).map(([k, s]) => (s.source ? splitLabel(k, s) : `${k} ${s.n}`));
  return {
    outputs: { dataset },
    summary: { text: `${n} samples [${featureShape.join(', ')}], ${values.length} classes; ${sizes.join(', ')}` },
  };
};
