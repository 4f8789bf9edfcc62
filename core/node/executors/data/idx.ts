import type { IdxParams } from '../../../common/nodes/data/idx';
import { tensorDataset } from '../../../common/nodes/data/tensorDataset';
import { readIdx } from '../../data/readIdx';
import { resolveParamPath, UserError, type Executor } from '../Executor';

export const idxExecutor: Executor<IdxParams> = async (ctx) => {
  const { images, labels } = ctx.params;
  if (!images || !labels) throw new UserError(`node ${ctx.nodeId}: choose both the images and the labels IDX files`);
  const imgFile = resolveParamPath(ctx, images, 'read');
  const lblFile = resolveParamPath(ctx, labels, 'read');
  const img = await readIdx(imgFile);
  ctx.progress(0.5, 'samples read');
  const lbl = await readIdx(lblFile);
  if (lbl.dims.length !== 1)
    throw new UserError(`${lblFile}: labels must be one-dimensional, found shape [${lbl.dims.join(', ')}]`);
  const n = img.dims[0];
  if (lbl.dims[0] !== n) throw new UserError(`${lblFile}: ${lbl.dims[0]} labels for ${n} samples in ${imgFile}`);
  const featureShape = img.dims.length === 3 ? [1, img.dims[1], img.dims[2]] : img.dims.slice(1);
  const x = Float32Array.from(img.data, (v) => v / ctx.params.scale);
  const values = [...new Set(Array.from(lbl.data))].sort((a, b) => a - b);
  if (values.length < 2)
    throw new UserError(`${lblFile}: a single class (${values[0]}); a classifier needs at least two`);
  const index = new Map(values.map((v, k) => [v, k]));
  const y = Int32Array.from(lbl.data, (v) => index.get(v)!);
  const dataset = tensorDataset({
    x,
    y,
    featureShape,
    classNames: values.map(String),
    ratios: { validation: ctx.params.validation, test: ctx.params.test },
    seed: ctx.params.seed,
    stratify: ctx.params.stratify,
  });
  const sizes = Object.entries(dataset.splits).map(([k, s]) => `${k} ${s.n}`);
  return {
    outputs: { dataset },
    summary: { text: `${n} samples [${featureShape.join(', ')}], ${values.length} classes; ${sizes.join(', ')}` },
  };
};
