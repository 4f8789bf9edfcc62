/**
 * A tiny corpus end to end: data.text → prep.split → prep.tokenize → Embedding → LSTM →
 * GlobalMaxPool1D → Dense → train.trainer → export.onnx (verified by the node), then the written
 * file fed token ids computed from its own metadata by a tokenizer written here from the card alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, MetricsValue } from '../../../../../core/common';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';
import { fitTokenizer } from '../../../../../core/common/nodes/prep/fitTokenizer';
import { tokenizeParams } from '../../../../../core/common/nodes/prep/tokenize';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { rawColumns } from '../../../../../core/common/splitRaw';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPAM = ['win', 'money', 'free', 'offer', 'click', 'prize', 'cash', 'now'];
const HAM = ['meeting', 'lunch', 'project', 'notes', 'tuesday', 'review', 'draft', 'team'];
const SHARED = ['the', 'a', 'for', 'and', 'to', 'you'];

function writeCorpus(root: string, perClass: number): void {
  let s = 7;
  const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const pick = (xs: string[]) => xs[Math.floor(rand() * xs.length)];
  for (const [cls, words] of [
    ['spam', SPAM],
    ['ham', HAM],
  ] as const) {
    mkdirSync(path.join(root, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const n = 4 + Math.floor(rand() * 8);
      const text = Array.from({ length: n }, () => (rand() < 0.6 ? pick(words) : pick(SHARED))).join(' ');
      writeFileSync(path.join(root, cls, `${i}.txt`), `${text}.\n`);
    }
  }
  writeFileSync(path.join(root, 'ham', 'binary.txt'), Buffer.from([0, 1, 2, 3]));
}

/** Word-mode ids from a tokenizer card, written from the card's documented fields only. */
function idsFromCard(card: Record<string, unknown>, text: string): number[] {
  const vocab = card.vocab as string[];
  const index = new Map(vocab.map((t, k) => [t, k]));
  let s = card.normalize === 'none' ? text : text.normalize(card.normalize as 'NFC');
  if (card.lowercase) s = s.toLowerCase();
  const words = s.match(new RegExp(card.wordPattern as string, card.wordPatternFlags as string)) ?? [];
  const ids = words.map((w) => index.get(w) ?? (card.oovId as number)).slice(0, card.maxLength as number);
  while (ids.length < (card.maxLength as number)) ids.push(card.padId as number);
  return ids;
}

describe('text classification end to end', () => {
  it('trains on token ids and exports a model that takes them, verified against the app', async () => {
    writeCorpus(path.join(dir, 'corpus'), 40);
    const doc = pipeline(
      [
        { id: 'text', type: 'data.text', params: { path: 'corpus' } },
        {
          id: 'split',
          type: 'prep.split',
          params: { target: 'label', features: ['text'], train: 0.6, validation: 0.2, test: 0.2, seed: 1 },
        },
        { id: 'tok', type: 'prep.tokenize', params: { mode: 'word', vocabSize: 64, maxLength: 10 } },
        { id: 'in', type: 'layer.input', params: { shape: '10' } },
        { id: 'emb', type: 'layer.embedding', params: { vocabSize: 64, dim: 8 } },
        { id: 'rnn', type: 'layer.lstm', params: { units: 8, returnSequences: true, maskPadding: true } },
        { id: 'pool', type: 'layer.globalmaxpool1d', params: { maskPadding: true } },
        { id: 'out', type: 'layer.dense', params: { units: 'auto' } },
        { id: 'train', type: 'train.trainer', params: { epochs: 25, batchSize: 8, lr: 0.02, seed: 3 } },
        { id: 'metrics', type: 'eval.classification', params: { split: 'test' } },
        { id: 'export', type: 'export.onnx', params: { path: 'text.onnx' } },
      ],
      [
        'text.table->split.table',
        'split.dataset->tok.dataset',
        'in.model->emb.in',
        'emb.model->rnn.in',
        'rnn.model->pool.in',
        'pool.model->out.in',
        'out.model->train.model',
        'tok.dataset->train.data',
        'train.model->metrics.model',
        'tok.dataset->metrics.data',
        'train.model->export.model',
        'tok.dataset->export.data',
      ],
    );
    const engine = createDefaultEngine(dir);
    const outcome = await engine.run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
    const failed = Object.entries(outcome.report.nodes).filter(([, n]) => n.status !== 'done');
    expect(failed).toEqual([]);
    expect(outcome.report.nodes.text.summary?.text).toContain('1 binary skipped');

    const data = (await outcome.load('tok'))!.outputs.dataset as DatasetValue;
    expect(data.featureShape).toEqual([10]);
    const metrics = (await outcome.load('metrics'))!.outputs.metrics as MetricsValue;
    expect(metrics.scalars.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(outcome.report.nodes.export.summary?.text).toMatch(/token_ids int64\[N, 10\]/);

    const bytes = readFileSync(path.join(dir, 'text.onnx'));
    const meta = Object.fromEntries((decodeModel(bytes).metadata ?? []).map((p) => [p.key, p.value]));
    const card = JSON.parse(meta['weft.tokenizer']) as Record<string, unknown>;
    expect(card.mode).toBe('word');
    expect((card.vocab as string[]).slice(0, 2)).toEqual(['[PAD]', '[UNK]']);

    const test = data.splits.test;
    const texts = rawColumns(test)!.find((c) => c.name === 'text')!.values as string[];
    const ids = texts.flatMap((t) => idsFromCard(card, t));
    expect(ids).toEqual(Array.from(test.x));
    const session = await ort.InferenceSession.create(bytes);
    try {
      const out = await session.run({
        token_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [test.n, 10]),
      });
      const labels = Array.from(out.label.data as BigInt64Array, Number);
      const right = labels.filter((l, i) => l === test.y[i]).length;
      expect(right / test.n).toBeCloseTo(metrics.scalars.accuracy, 10);
    } finally {
      await session.release();
    }
  }, 120_000);
});

describe('text where numbers are needed', () => {
  it('refuses text in a scaler, and an Embedding smaller than the vocabulary', async () => {
    writeCorpus(path.join(dir, 'small'), 6);
    const doc = pipeline(
      [
        { id: 'text', type: 'data.text', params: { path: 'small' } },
        { id: 'split', type: 'prep.split', params: { target: 'label', features: ['text'], seed: 1 } },
        { id: 'std', type: 'prep.standardize', params: { columns: ['text'] } },
        { id: 'tok', type: 'prep.tokenize', params: { maxLength: 4 } },
        { id: 'in', type: 'layer.input', params: {} },
        { id: 'emb', type: 'layer.embedding', params: { vocabSize: 5, dim: 2 } },
        { id: 'pool', type: 'layer.globalavgpool1d', params: {} },
        { id: 'out', type: 'layer.dense', params: { units: 'auto' } },
        { id: 'small', type: 'train.trainer', params: { epochs: 1 } },
      ],
      [
        'text.table->split.table',
        'split.dataset->std.dataset',
        'split.dataset->tok.dataset',
        'in.model->emb.in',
        'emb.model->pool.in',
        'pool.model->out.in',
        'out.model->small.model',
        'tok.dataset->small.data',
      ],
    );
    const outcome = await createDefaultEngine(dir).run(doc, { baseDir: dir, workspace: dir });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
    const error = (id: string) => outcome.report.nodes[id].error ?? outcome.report.nodes[id].status;
    const pointer = /prep\.standardize: column 'text' holds free text.*prep\.tokenize.*prep\.tfidf/;
    expect(error('std')).toMatch(pointer);
    expect(error('small')).toMatch(
      /layer emb \(Embedding\) has vocabSize 5, but prep\.tokenize gives token ids up to \d+; set its vocabSize to at least \d+/,
    );
  }, 60_000);
});

describe('prep.tokenize on a dataset', () => {
  const splitOf = (texts: (string | null)[]) => ({
    x: new Float32Array(0),
    y: new Int32Array(texts.length),
    n: texts.length,
    raw: [{ name: 'text', type: 'text' as const, values: texts }],
  });
  const dataset = (): DatasetValue => ({
    task: 'classification',
    featureShape: [0],
    classNames: ['a', 'b'],
    rawFeatures: [{ name: 'text', type: 'text' }],
    transforms: [],
    splits: { train: splitOf(['red fish', 'blue fish']), validation: splitOf(['green fish', 'red red']) },
  });

  it('fits on the training rows only: a word seen only in validation is out of vocabulary', () => {
    const fit = fitTokenizer(dataset(), tokenizeParams.parse({ maxLength: 3, vocabSize: 10 }));
    const t = fit.fitted[0];
    expect(t.vocab).toEqual(['fish', 'blue', 'red']);
    expect(Array.from(fit.dataset.splits.validation.x)).toEqual([1, 2, 0, 4, 4, 0]);
    expect(fit.coverage).toEqual([{ split: 'validation', tokens: 0.75, truncatedRows: 0, rows: 2 }]);
    expect(fit.warnings).toEqual([
      "column 'text': vocabSize 10 is more than the training split gives (3 distinct tokens); the vocabulary holds 5 ids",
    ]);
    expect(fit.dataset.featureShape).toEqual([3]);
  });

  it('counts empty and missing training texts (all padding) in a warning', () => {
    const ds = dataset();
    ds.splits.train = splitOf(['red fish', '', null, '  \n', 'blue fish']);
    const fit = fitTokenizer(ds, tokenizeParams.parse({ maxLength: 2, vocabSize: 5 }));
    expect(fit.warnings).toContain(
      "column 'text': 3 of 5 training texts are empty or missing; their rows are all padding",
    );
    expect(Array.from(fit.dataset.splits.train.x.subarray(2, 8))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('refuses a dataset without a free-text feature, naming what to do', () => {
    const ds = { ...dataset(), rawFeatures: [{ name: 'text', type: 'number' as const }] };
    expect(() => fitTokenizer(ds, tokenizeParams.parse({}))).toThrow(/no free-text feature; list the text column/);
  });
});
