/**
 * Text through the real nodes: a CSV of SpamAssassin messages → prep.split (text feature) →
 * prep.tfidf → ml.logistic / ml.svm (linear) / ml.naive_bayes (multinomial) → eval → export.onnx,
 * run with `weft run`. Word n-grams export with the text preprocessing inside the graph (the model
 * takes raw strings); character n-grams export as a feature-vector model.
 */
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
    const session = await ort.InferenceSession.create(path.join(dir, 'out/logistic.onnx'));
    try {
      expect(session.inputNames).toEqual(['categorical']);
      const out = await session.run({
        categorical: new ort.Tensor('string', ['Dear friend, CLICK HERE to claim your FREE money now!!!', ''], [2, 1]),
      });
      expect(Array.from(out.label_name.data as string[])[0]).toBe('spam');
    } finally {
      await session.release();
    }
  }, 300_000);

  it('character n-grams export as a feature-vector model, vocabulary in the model card', async () => {
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: csv } },
        { id: 'split', type: 'prep.split', params: { target: 'label', features: ['text'], seed: 5 } },
        { id: 'tfidf', type: 'prep.tfidf', params: { analyzer: 'char', ngramRange: [2, 3], maxFeatures: 3000 } },
        { id: 'lr', type: 'ml.logistic', params: {} },
        { id: 'export', type: 'export.onnx', params: { path: 'out/char.onnx' } },
      ],
      [
        'csv.table->split.table',
        'split.dataset->tfidf.dataset',
        'tfidf.dataset->lr.data',
        'lr.model->export.model',
        'tfidf.dataset->export.data',
      ],
    );
    const file = path.join(dir, 'char.weft.json');
    writeFileSync(file, serializeDocument(doc));
    const run = runWeft(['run', file, '--no-cache'], { timeoutMs: 240_000 });
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/inputs: input float32\[N, 3000\]/);
    expect(run.stdout).toMatch(/preprocessing outside the graph/);
    expect(Number(/max \|exported − in-app\| = (\S+)/.exec(run.stdout)?.[1])).toBeLessThanOrEqual(1e-5);
  }, 300_000);
});
