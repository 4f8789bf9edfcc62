import type { NpyParams } from '../../../common/nodes/data/npy';
import { npyDataset, npyPreview, npyTable } from '../../data/npyValues';
import { readNpySource } from '../../data/readNpy';
import { asUserError } from '../prep/asUserError';
import { resolveParamPath, UserError, type Executor } from '../Executor';

export const npyExecutor: Executor<NpyParams> = async (ctx) => {
  const p = ctx.params;
  if (!p.path) throw new UserError(`node ${ctx.nodeId}: choose a .npy or .npz file (param path)`);
  const file = resolveParamPath(ctx, p.path, 'read');
  const labelsFile = p.labelsFile ? resolveParamPath(ctx, p.labelsFile, 'read') : undefined;
  const src = {
    file,
    ...(await readNpySource(file, { features: p.features, labels: p.labels, ...(labelsFile ? { labelsFile } : {}) })),
  };
  ctx.progress(0.5, 'arrays read');
  const table = npyTable(src);
  const outputs: Record<string, unknown> = { preview: npyPreview(src, table) };
  if (table) outputs.table = table;
  const parts = [`${src.featuresName} [${src.features.shape.join(', ')}] ${src.features.dtype}`];
  if (src.labels) {
    const dataset = asUserError(ctx.nodeId, () => npyDataset(src, p));
    outputs.dataset = dataset;
    const sizes = Object.entries(dataset.splits).map(([k, s]) => `${k} ${s.n}`);
    parts.push(
      `${dataset.task}${dataset.classNames ? ` (${dataset.classNames.length} classes)` : ''}; ${sizes.join(', ')}`,
    );
  } else {
    ctx.log(
      `${file}: no labels array found or given, so only the table output is produced (name the labels to get a dataset)`,
      'warn',
    );
  }
  if (!table && !src.labels) {
    throw new UserError(
      `${file}: '${src.featuresName}' has shape [${src.features.shape.join(', ')}]: a table needs 1-D or 2-D, and a dataset needs labels (labels or labelsFile)`,
    );
  }
  return { outputs, summary: { text: parts.join(', ') } };
};
