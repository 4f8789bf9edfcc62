import type { NpyParams } from '../../../common/nodes/data/npy';
import { splitLabel } from '../../../common/metrics/splitLabel';
import { npyDataset, npyPreview, npyTable, npyWithTestSplit } from '../../data/npyValues';
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
  const hasTest = Boolean(p.testPath || p.testFeatures);
  if (hasTest && !src.labels)
    throw new UserError(`node ${ctx.nodeId}: test arrays need training labels too (labels or labelsFile)`);
  if (src.labels) {
    let dataset = asUserError(ctx.nodeId, () => npyDataset(src, { ...p, test: hasTest ? 0 : p.test }));
    if (hasTest) {
      const testFile = p.testPath ? resolveParamPath(ctx, p.testPath, 'read') : file;
      const testLabelsFile = p.testLabelsFile ? resolveParamPath(ctx, p.testLabelsFile, 'read') : undefined;
      const sameArchive = testFile === file;
      if (sameArchive && (!p.testFeatures || (!p.testLabels && !testLabelsFile)))
        throw new UserError(
          `node ${ctx.nodeId}: name the test arrays of ${file} (testFeatures and testLabels, e.g. x_test and y_test) or choose a test file (testPath)`,
        );
      const test = {
        file: testFile,
        ...(await readNpySource(testFile, {
          features: p.testFeatures || (sameArchive ? '' : p.features),
          labels: testLabelsFile ? '' : p.testLabels || (sameArchive ? '' : p.labels),
          ...(testLabelsFile ? { labelsFile: testLabelsFile } : {}),
        })),
      };
      dataset = asUserError(ctx.nodeId, () => npyWithTestSplit(dataset, src, test, p.scale));
    }
    outputs.dataset = dataset;
    const sizes = Object.entries(dataset.splits).map(([k, s]) => (s.source ? splitLabel(k, s) : `${k} ${s.n}`));
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
