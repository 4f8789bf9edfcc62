/**
 * Text through the real nodes: a CSV of SpamAssassin messages → prep.split (text feature) →
 * prep.tfidf → ml.logistic / ml.svm (linear) / ml.naive_bayes (multinomial) → eval → export.onnx,
 * run with `weft run`; the logistic export is then served by `weft serve-model` on raw strings. Word n-grams export with the text preprocessing inside the graph (the model
 * takes raw strings), and so do character n-grams (char, char_wb); a custom token pattern exports as a
 * feature-vector model.
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
import { readGroup, toCsv } from '../../../../fixtures/text/spamCorpus';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-text-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = path.join(dir, 'spam.csv');
writeFileSync(
  csv,
  toCsv([
    ...readGroup('easy-ham-1', 0, 120),
    ...readGroup('spam-1', 0, 120),
    ...Array.from({ length: 6 }, () => ({ group: '', text: '', label: 0 as const })),
  ]),
);

describe('prep.tfidf into classical learners: train, evaluate, export', () => {
  it('word TF-IDF models export with raw-string input and match the app', async () => {
    const learners = [
      ['logistic', 'ml.logistic', { C: 10 }],
      ['svm', 'ml.svm', { kernel: 'linear' }],
      ['nb', 'ml.naive_bayes', { kind: 'multinomial', alpha: 0.1 }],
    ] as const;
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: csv } },
        { id: 'split', type: 'prep.split', params: { target: 'label', features: ['text'], seed: 5, test: 0.25 } },
        { id: 'tfidf', type: 'prep.tfidf', params: { ngramRange: [1, 2], minDf: 2, sublinearTf: true } },
        ...learners.flatMap(([id, type, params]) => [
          { id, type, params },
          { id: `${id}_eval`, type: 'eval.classification', params: { split: 'test' } },
          { id: `${id}_export`, type: 'export.onnx', params: { path: `out/${id}.onnx` } },
        ]),
      ],
      [
        'csv.table->split.table',
        'split.dataset->tfidf.dataset',
        ...learners.flatMap(([id]) => [
          `tfidf.dataset->${id}.data`,
          `${id}.model->${id}_eval.model`,
          `tfidf.dataset->${id}_eval.data`,
          `${id}.model->${id}_export.model`,
          `tfidf.dataset->${id}_export.data`,
        ]),
      ],
    );
    const file = path.join(dir, 'text.weft.json');
    writeFileSync(file, serializeDocument(doc));
    const run = runWeft(['run', file, '--no-cache'], { timeoutMs: 240_000 });
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/[1-6] training documents? in 'text' holds? no terms; kept as zero rows/);
    const diffs = [...run.stdout.matchAll(/max \|exported − in-app\| = (\S+) \(limit 1e-5\), label mismatches (\d+)/g)];
    expect(diffs).toHaveLength(3);
    for (const d of diffs) {
      expect(Number(d[1])).toBeLessThanOrEqual(1e-5);
      expect(d[2]).toBe('0');
    }
    for (const [id] of learners) {
      const accuracy = Number(new RegExp(`${id}_eval: accuracy=(\\S+)`).exec(run.stdout)?.[1]);
      expect(accuracy, id).toBeGreaterThan(0.9);
    }
    const exported = path.join(dir, 'out/logistic.onnx');
    const messages = ['Dear friend, CLICK HERE to claim your FREE money now!!!', 'Minutes of the build meeting', ''];
    const session = await ort.InferenceSession.create(exported);
    let direct: Float32Array;
    try {
      expect(session.inputNames).toEqual(['categorical']);
      const out = await session.run({ categorical: new ort.Tensor('string', messages, [3, 1]) });
      expect(Array.from(out.label_name.data as string[])[0]).toBe('spam');
      direct = out.probabilities.data as Float32Array;
    } finally {
      await session.release();
    }
    const child = spawn(process.execPath, [path.resolve('bin/weft.js'), 'serve-model', exported, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      const res = await fetch(`${url}/v2/models/logistic/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'categorical', shape: [3, 1], datatype: 'BYTES', data: messages }] }),
      });
      const json = (await res.json()) as { outputs: { name: string; data: number[] }[] };
      const probs = json.outputs.find((o) => o.name === 'probabilities')!.data;
      probs.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 6));
    } finally {
      child.kill('SIGTERM');
    }
  }, 300_000);

  it.each([
    {
      name: 'character n-grams',
      id: 'char',
      width: 3000,
      raw: true,
      tfidf: { analyzer: 'char', ngramRange: [2, 3], maxFeatures: 3000 },
    },
    {
      name: 'word-bounded character n-grams (char_wb)',
      id: 'charwb',
      width: 2000,
      raw: true,
      tfidf: { analyzer: 'char_wb', ngramRange: [3, 5], maxFeatures: 2000, sublinearTf: true },
    },
    {
      name: 'a custom tokenPattern with English stop words in word pairs',
      id: 'pattern',
      width: 500,
      raw: false,
      tfidf: { tokenPattern: '[a-z]{3,}', stopWords: 'english', ngramRange: [1, 2], maxFeatures: 500 },
    },
  ])(
    '$name: the export takes raw strings when the graph can cut them, else feature vectors',
    async (c) => {
      const doc = pipeline(
        [
          { id: 'csv', type: 'data.csv', params: { path: csv } },
          { id: 'split', type: 'prep.split', params: { target: 'label', features: ['text'], seed: 5 } },
          { id: 'tfidf', type: 'prep.tfidf', params: c.tfidf },
          { id: 'lr', type: 'ml.logistic', params: {} },
          { id: 'export', type: 'export.onnx', params: { path: `out/${c.id}.onnx` } },
        ],
        [
          'csv.table->split.table',
          'split.dataset->tfidf.dataset',
          'tfidf.dataset->lr.data',
          'lr.model->export.model',
          'tfidf.dataset->export.data',
        ],
      );
      const file = path.join(dir, `${c.id}.weft.json`);
      writeFileSync(file, serializeDocument(doc));
      const run = runWeft(['run', file, '--no-cache'], { timeoutMs: 240_000 });
      expect(run.stderr).not.toMatch(/failed/);
      expect(run.code).toBe(0);
      if (c.raw) {
        expect(run.stdout).toMatch(/inputs: categorical string\[N, 1\]/);
        expect(run.stdout).not.toMatch(/preprocessing outside the graph/);
      } else {
        expect(run.stdout).toContain(`inputs: input float32[N, ${c.width}]`);
        expect(run.stdout).toMatch(/preprocessing outside the graph/);
      }
      expect(Number(/max \|exported − in-app\| = (\S+)/.exec(run.stdout)?.[1])).toBeLessThanOrEqual(1e-5);
      expect(run.stdout).toMatch(/label mismatches 0/);
    },
    300_000,
  );
});
