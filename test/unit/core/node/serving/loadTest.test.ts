import { rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { afterAll, describe, expect, it } from 'vitest';
import { startModelServer } from '../../../../../core/node/serving/modelServer';
import { mlpModel, seededValues, tempDir, writeModel } from '../onnx/onnxFiles';

const dir = tempDir('weft-load-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve-model under load', () => {
  it('answers 64 concurrent clients on loopback for 3 s with no errors and no non-2xx responses', async () => {
    const file = writeModel(dir, 'mlp.onnx', mlpModel([32, 64, 10]).model);
    const server = await startModelServer({ model: file, port: 0, provider: 'cpu' });
    try {
      const body = JSON.stringify({
        inputs: [{ name: 'x', shape: [4, 32], datatype: 'FP32', data: Array.from(seededValues(128, 3, 1)) }],
      });
      const result = await autocannon({
        url: `${server.url}/v2/models/mlp/infer`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: 64,
        duration: 3,
      });
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result['2xx']).toBeGreaterThan(64);
      expect(result.latency.p99).toBeGreaterThan(0);
      // What the server counted agrees with what the clients saw.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const served = Number(
        /weft_http_requests_total\{method="POST",route="\/v2\/models\/:model\/infer",status="200"\} (\d+)/.exec(
          metrics,
        )?.[1],
      );
      expect(served).toBeGreaterThanOrEqual(result['2xx']);
      expect(metrics).not.toMatch(/weft_http_request_errors_total\{/);
    } finally {
      await server.close();
    }
  });
});
