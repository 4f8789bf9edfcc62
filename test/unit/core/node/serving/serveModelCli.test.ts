import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { affine, linearModel, softmax, tempDir, writeModel } from '../onnx/onnxFiles';

const bin = path.resolve('bin/weft.js');
const dir = tempDir('weft-serve-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const W = [
  [2, -1],
  [0, 1],
  [1, 1],
];
const B = [0, 0.5];
const file = writeModel(dir, 'tiny.onnx', linearModel(W, B, { softmax: true }));

describe('weft serve-model', () => {
  it('prints the model, serves infer requests, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'serve-model', file, '--port', '0', '--provider', 'cpu', '--threads', '2'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving tiny on (http:\/\/\S+) \(provider cpu, 2 intra-op threads\)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    expect(out).toContain('input  x float32 [N, 3]');
    expect(out).toContain('output y float32 [N, 2]');
    const res = await fetch(`${url}/v2/models/tiny/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }),
    });
    const json = (await res.json()) as { outputs: { data: number[] }[] };
    const want = softmax(affine([1, 2, 3], W, B));
    json.outputs[0].data.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('exits 2 with one clear line for a non-loopback host without a key, and for a corrupt model', () => {
    const open = spawnSync(process.execPath, [bin, 'serve-model', file, '--host', '0.0.0.0'], { encoding: 'utf8' });
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(/^weft: refusing to listen on 0\.0\.0\.0 without an API key/);
    const threads = spawnSync(process.execPath, [bin, 'serve-model', file, '--threads', '-1'], { encoding: 'utf8' });
    expect(threads.status).toBe(2);
    expect(threads.stderr.trim()).toBe('weft: --threads must be a whole number 0–1024, not "-1"');
    const bad = path.join(dir, 'bad.onnx');
    writeFileSync(bad, 'not a model');
    const corrupt = spawnSync(process.execPath, [bin, 'serve-model', bad, '--provider', 'cpu'], { encoding: 'utf8' });
    expect(corrupt.status).toBe(2);
    expect(corrupt.stderr.trim()).toBe(
      `weft: ${bad}: not an ONNX model (11 bytes): its bytes do not parse as an ONNX protobuf; check the file is a .onnx model and not corrupt`,
    );
  });
});
