/**
 * ml.knn, ml.naive_bayes and ml.svm through the real nodes: iris CSV → prep.split → prep.standardize
 * → learner → eval.classification → export.onnx, run with `weft run`; then the exported SVM (Platt
 * probabilities) answered by `weft serve-model` on raw measurements.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeDocument } from '../../../../../core/common';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { runWeft } from '../../../../fixtures/runWeft';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-classical-export2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const iris = path.resolve(import.meta.dirname, '../../../../../resources/data/iris.csv');

describe('kNN, naive Bayes and SVM: train, evaluate, export and serve', () => {
  it('exports models whose raw-row predictions equal the app’s, and serves the SVM', async () => {
    const learners = [
      ['knn', 'ml.knn', { weights: 'distance' }],
      ['nb', 'ml.naive_bayes', {}],
      ['svm', 'ml.svm', { probability: true }],
    ] as const;
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: iris } },
        { id: 'split', type: 'prep.split', params: { target: 'species', seed: 3 } },
        { id: 'std', type: 'prep.standardize', params: {} },
        ...learners.flatMap(([id, type, params]) => [
          { id, type, params },
          { id: `${id}_eval`, type: 'eval.classification', params: {} },
          { id: `${id}_export`, type: 'export.onnx', params: { path: `out/${id}.onnx` } },
        ]),
      ],
      [
        'csv.table->split.table',
        'split.dataset->std.dataset',
        ...learners.flatMap(([id]) => [
          `std.dataset->${id}.data`,
          `${id}.model->${id}_eval.model`,
          `std.dataset->${id}_eval.data`,
          `${id}.model->${id}_export.model`,
          `std.dataset->${id}_export.data`,
        ]),
      ],
    );
    const file = path.join(dir, 'learners.weft.json');
    writeFileSync(file, serializeDocument(doc));
    const run = runWeft(['run', file], { timeoutMs: 240_000 });
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    const diffs = [...run.stdout.matchAll(/max \|exported − in-app\| = (\S+) \(limit 1e-5\), label mismatches (\d+)/g)];
    expect(diffs).toHaveLength(3);
    for (const d of diffs) {
      expect(Number(d[1])).toBeLessThanOrEqual(1e-5);
      expect(d[2]).toBe('0');
    }
    for (const [id] of learners) {
      const accuracy = Number(new RegExp(`${id}_eval: accuracy=(\\S+)`).exec(run.stdout)?.[1]);
      expect(accuracy, id).toBeGreaterThan(0.85);
    }

    const exported = path.join(dir, 'out/svm.onnx');
    const rows = [5.1, 3.5, 1.4, 0.2, 6.3, 2.9, 5.6, 1.8, 5.9, 3.0, 4.2, 1.5];
    const session = await ort.InferenceSession.create(exported);
    const direct = await session.run({ numeric: new ort.Tensor('float64', Float64Array.from(rows), [3, 4]) });
    await session.release();
    const child = spawn(
      process.execPath,
      [path.resolve('bin/weft.js'), 'serve-model', exported, '--port', '0', '--provider', 'cpu'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /serving \S+ on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/v2/models/svm/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'numeric', shape: [3, 4], datatype: 'FP64', data: rows }] }),
      });
      const json = (await res.json()) as { outputs: { name: string; data: number[] }[] };
      const probs = json.outputs.find((o) => o.name === 'probabilities')!.data;
      const want = direct.probabilities.data as Float32Array;
      probs.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
      const labels = json.outputs.find((o) => o.name === 'label')!.data.map(Number);
      expect(labels).toEqual([0, 2, 1]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
