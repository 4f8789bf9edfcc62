import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainedModelValue } from '../../../../../../core/common';
import { deployRepositoryParams } from '../../../../../../core/common/nodes/deploy/repository';
import { deployRepositoryExecutor } from '../../../../../../core/node/executors/deploy/repository';
import type { ExecutorContext } from '../../../../../../core/node/executors/Executor';
import { startRepositoryServer } from '../../../../../../core/node/serving/modelServer';
import { parsePbtxt } from '../../../../../../core/node/serving/pbtxt';
import { tempDir } from '../../onnx/onnxFiles';
import { forward, tinyModel } from '../../export/tinyModel';

const dir = tempDir('weft-deploy-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params = deployRepositoryParams.parse({ path: 'repo', name: 'shop' });
const publish = (model: TrainedModelValue) => {
  const ctx: ExecutorContext<typeof params> = {
    inputs: { model },
    params,
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    epochMetrics: () => {},
    nodeId: 'deploy1',
    workspace: dir,
    baseDir: dir,
  };
  return deployRepositoryExecutor(ctx);
};
const tiny = (seed: number) =>
  tinyModel({ features: 3, outputs: 2, task: 'classification', classNames: ['no', 'yes'], seed });

describe('deploy.repository', () => {
  it('publishes numbered versions, skips a model already there, and the server answers with the new one', async () => {
    const first = tiny(1);
    const second = tiny(2);
    const modelDir = path.join(dir, 'repo', 'shop');

    expect((await publish(first.model)).summary?.text).toMatch(/^published shop version 1 in /);
    const config = parsePbtxt(readFileSync(path.join(modelDir, 'config.pbtxt'), 'utf8'));
    expect(config).toMatchObject({ name: 'shop', platform: 'onnxruntime_onnx', max_batch_size: 64 });
    const card = JSON.parse(readFileSync(path.join(modelDir, '1', 'model_card.json'), 'utf8')) as { task: string };
    expect(card.task).toBe('classification');

    const again = await publish(first.model);
    expect(again.summary?.text).toMatch(/^shop version 1 in .* already has this model/);
    expect(again.summary?.metrics?.version).toBe(1);

    expect((await publish(second.model)).summary?.text).toMatch(/^published shop version 2/);
    expect(readdirSync(modelDir).sort()).toEqual(['1', '2', 'config.pbtxt']);
    expect(existsSync(path.join(modelDir, '2', 'model.onnx'))).toBe(true);

    const server = await startRepositoryServer({
      repository: path.join(dir, 'repo'),
      port: 0,
      provider: 'cpu',
      pollMs: 0,
    });
    try {
      const meta = (await (await fetch(`${server.url}/v2/models/shop`)).json()) as { inputs: { name: string }[] };
      const x = [0.3, -1, 2];
      const res = await fetch(`${server.url}/v2/models/shop/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [{ name: meta.inputs[0].name, shape: [1, 3], datatype: 'FP32', data: x }],
          outputs: [{ name: 'probabilities' }],
        }),
      });
      const body = (await res.json()) as { model_version: string; outputs: { data: number[] }[] };
      expect(body.model_version).toBe('2');
      forward(second.weights, x, 3, 2, true).forEach((p, i) => expect(body.outputs[0].data[i]).toBeCloseTo(p, 5));
    } finally {
      await server.close();
    }
  });

  it('refuses a name that is not a folder name', () => {
    expect(deployRepositoryParams.safeParse({ name: '../up' }).success).toBe(false);
  });
});
