import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import type { deployRepositoryParams } from '../../../common/nodes/deploy/repository';
import { exportOnnx } from '../../export/exportOnnx';
import { publishVersion } from '../../serving/publishVersion';
import { resolveParamPath, type Executor } from '../Executor';
import { exportInputs } from '../export/onnx';

export const deployRepositoryExecutor: Executor<z.output<typeof deployRepositoryParams>> = async (ctx) => {
  const repository = resolveParamPath(ctx, ctx.params.path, 'write');
  const { model, metrics, data, rows } = await exportInputs(ctx, 'deploy.repository');
  ctx.progress(0.1, 'exporting');
  const scratch = await mkdtemp(path.join(tmpdir(), 'weft-publish-'));
  try {
    const file = path.join(scratch, 'model.onnx');
    const report = await exportOnnx(model, {
      file,
      rows,
      signal: ctx.signal,
      ...(metrics ? { metrics } : {}),
      ...(data ? { trainingData: data } : {}),
    });
    ctx.progress(0.8, 'publishing');
    const published = await publishVersion(repository, ctx.params.name, new Uint8Array(await readFile(file)));
    ctx.progress(1);
    const where = path.join(repository, ctx.params.name);
    return {
      outputs: {},
      summary: {
        metrics: { version: published.version, max_abs_diff: report.maxAbsDiff },
        files: published.created ? [path.join(published.dir, 'model.onnx')] : [],
        text: [
          published.created
            ? `published ${ctx.params.name} version ${published.version} in ${where}`
            : `${ctx.params.name} version ${published.version} in ${where} already has this model (sha256 ${published.sha256.slice(0, 12)}…); no new version`,
          `verified on ${report.rowsSource}: max |exported − in-app| = ${report.maxAbsDiff.toExponential(2)} (limit 1e-5)`,
          ...(published.wroteConfig ? [`wrote ${path.join(where, 'config.pbtxt')}`] : []),
        ].join('\n'),
      },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};
