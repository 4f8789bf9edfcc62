import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { affine, linearModel, tempDir, writeModel } from '../onnx/onnxFiles';

const bin = path.resolve('bin/weft.js');
const dir = tempDir('weft-serve-repo-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const repo = path.join(dir, 'repo');
const W = [[2], [-1]];
mkdirSync(path.join(repo, 'lin', '1'), { recursive: true });
writeModel(path.join(repo, 'lin', '1'), 'model.onnx', linearModel(W, [0.5]));

describe('weft serve', () => {
  it('lists the models, serves them, loads a new version while running, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', repo, '--port', '0', '--provider', 'cpu', '--poll', '0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving \S+ on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}${err}`)));
    });
    expect(out).toContain('model lin version 1: READY');
    const infer = async (): Promise<{ model_version: string; outputs: { data: number[] }[] }> =>
      (await (
        await fetch(`${url}/v2/models/lin/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [3, 4] }] }),
        })
      ).json()) as { model_version: string; outputs: { data: number[] }[] };
    expect((await infer()).outputs[0].data[0]).toBeCloseTo(affine([3, 4], W, [0.5])[0], 6);

    const W2 = [[1], [1]];
    mkdirSync(path.join(repo, 'lin', '2'));
    writeModel(path.join(repo, 'lin', '2'), 'model.onnx', linearModel(W2, [0]));
    let reply = await infer();
    for (let i = 0; i < 100 && reply.model_version !== '2'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await infer();
    }
    expect(reply.model_version).toBe('2');
    expect(reply.outputs[0].data[0]).toBeCloseTo(7, 6);
    expect(err).toMatch(/weft serve: model lin version 2: loaded /);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('exits 2 with one line for a folder that is not there', () => {
    const r = spawnSync(process.execPath, [bin, 'serve', path.join(dir, 'nope')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      `weft: ${path.join(dir, 'nope')}: no such folder; a repository is a folder of <name>/<version>/model.onnx`,
    );
  });
});
