import type { z } from 'zod';
import type { exportTfjsParams } from '../../../common/nodes/export/tfjs';
import { resolveParamPath, type Executor } from '../Executor';
import { exportInputs } from './onnx';

export const exportTfjsExecutor: Executor<z.output<typeof exportTfjsParams>> = async (ctx) => {
  const dir = resolveParamPath(ctx, ctx.params.path, 'write');
  const { model, rows } = await exportInputs(ctx, 'export.tfjs');
  ctx.progress(0.1, 'converting layers');
  const { exportTfjs } = await import('../../export/exportTfjs');
  const r = await exportTfjs(model, { dir, rows, signal: ctx.signal });
  ctx.progress(1);
  return {
    outputs: {},
    summary: {
      files: r.files,
      metrics: { max_abs_diff: r.maxAbsDiff, verify_rows: r.rows },
      text: [
        `wrote ${r.dir} (TF.js layers: ${r.layers.join(' → ')}); input: the assembled features [N, ${model.featureShape.join(', ')}]`,
        `verified with tf.loadLayersModel on ${r.rowsSource}: max |exported − in-app| = ${r.maxAbsDiff.toExponential(2)} (limit 1e-5)`,
      ].join('\n'),
    },
  };
};
