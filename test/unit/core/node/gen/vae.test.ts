import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPreviewValue, DatasetValue, TrainedModelValue } from '../../../../../core/common';
import type { LayerSpec, ModelSpecValue } from '../../../../../core/common/model';
import { genSampleNode, genSampleParams } from '../../../../../core/common/nodes/gen/sample';
import { seededRandom } from '../../../../../core/common/nodes/prep/random';
import { trainerParams, type TrainerParams } from '../../../../../core/common/nodes/train/trainer';
import { UserError, type ExecutorContext } from '../../../../../core/node/executors/Executor';
import { genSampleExecutor } from '../../../../../core/node/executors/gen/sample';
import { trainerExecutor } from '../../../../../core/node/executors/train/trainer';
import { fitRecipe } from '../../../../../core/node/eval/fitRecipe';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { exportTfjs } from '../../../../../core/node/export/exportTfjs';
import { rowsFromDataset, syntheticRows } from '../../../../../core/node/export/verifyRows';
import { vaeParts } from '../../../../../core/node/gen/vaeParts';
import { buildResultView } from '../../../../../core/node/studio/resultView';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-vae-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 8×8 images of one horizontal (class 0) or vertical (class 1) bar, with a little noise, in [0, 1]. */
function bars(n: number, seed: number): DatasetValue['splits'][string] {
  const r = seededRandom(seed);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const at = Math.floor(r() * 8);
    for (let p = 0; p < 64; p++) {
      const on = y[i] === 0 ? Math.floor(p / 8) === at : p % 8 === at;
      x[i * 64 + p] = on ? 0.9 + 0.1 * r() : 0.1 * r();
    }
  }
  return { x, y, n };
}

const data: DatasetValue = {
  task: 'classification',
  featureShape: [1, 8, 8],
  classNames: ['horizontal', 'vertical'],
  targetName: 'bar',
  splits: { train: bars(400, 1), validation: bars(60, 2), test: bars(40, 3) },
  transforms: [],
};

function seq(...layers: LayerSpec[]): ModelSpecValue {
  const nodes = layers.map((layer, i) => ({ id: `l${i + 1}`, layer, inputs: [i === 0 ? 'input' : `l${i}`] }));
  return { format: 'weft.model', nodes, output: `l${layers.length}` };
}

const vaeSpec = seq(
  { kind: 'flatten' },
  { kind: 'dense', units: 24, activation: 'relu' },
  { kind: 'dense', units: 4 },
  { kind: 'sampling', beta: 1 },
  { kind: 'dense', units: 24, activation: 'relu' },
  { kind: 'dense', units: 'auto', activation: 'sigmoid' },
);

function context<P>(inputs: Record<string, unknown>, params: P): ExecutorContext<P> {
  return {
    inputs,
    params,
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
    epochMetrics: () => undefined,
    nodeId: 'node',
    workspace: dir,
    baseDir: dir,
  };
}

async function trainVae(params: Partial<TrainerParams>, spec = vaeSpec, ds = data) {
  const epochs: Record<string, number>[] = [];
  const ctx = context(
    { model: spec, data: ds },
    trainerParams.parse({
      epochs: 25,
      batchSize: 32,
      lr: 0.01,
      provider: 'cpu',
      threads: 1,
      target: 'input',
      loss: 'binary_cross_entropy',
      ...params,
    }),
  );
  ctx.epochMetrics = (_e, m) => epochs.push(m);
  const result = await trainerExecutor(ctx);
  return { model: result.outputs.model as TrainedModelValue, epochs };
}

async function run(onnx: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(onnx);
  try {
    return (await s.run({ input: new ort.Tensor('float32', x, dims) })).output.data as Float32Array;
  } finally {
    await s.release();
  }
}

/** y = act(x·W + b) row by row in float64, from the trained weights: the oracle of the split models. */
function dense(x: number[][], w: Float32Array, b: Float32Array, act: 'relu' | 'sigmoid' | 'linear'): number[][] {
  const units = b.length;
  return x.map((row) =>
    Array.from({ length: units }, (_, j) => {
      let s = b[j];
      row.forEach((v, i) => (s += v * w[i * units + j]));
      return act === 'relu' ? Math.max(0, s) : act === 'sigmoid' ? 1 / (1 + Math.exp(-s)) : s;
    }),
  );
}

let vae: TrainedModelValue;
let history: Record<string, number>[];

beforeAll(async () => {
  ({ model: vae, epochs: history } = await trainVae({}));
}, 120_000);

describe('a VAE trained by train.trainer (target input)', () => {
  it('lowers the negative ELBO (summed binary cross-entropy + KL) and the validation reconstruction loss', () => {
    expect(history).toHaveLength(25);
    expect(Object.keys(history[0]).sort()).toEqual(['loss', 'lr', 'val_loss']);
    // 64 pixels near 0.05 or 0.95: a model that outputs 0.5 everywhere scores 64·ln 2 ≈ 44.4.
    expect(history[0].loss).toBeGreaterThan(30);
    expect(history.at(-1)!.loss).toBeLessThan(0.75 * history[0].loss);
    expect(history.at(-1)!.val_loss).toBeLessThan(0.75 * history[0].val_loss);
    expect(vae.trainParams).toMatchObject({ target: 'input', loss: 'binary_cross_entropy' });
  });

  it('predicts deterministically through z = μ: encoder and decoder recomputed by hand from the weights', async () => {
    const test = data.splits.test;
    const first = await run(vae.onnx, test.x, [test.n, 1, 8, 8]);
    const again = await run(vae.onnx, test.x, [test.n, 1, 8, 8]);
    expect(Array.from(again)).toEqual(Array.from(first));
    const w = vae.weights;
    const rows = Array.from({ length: test.n }, (_, i) => Array.from(test.x.subarray(i * 64, (i + 1) * 64)));
    const h = dense(rows, w['l2/kernel'], w['l2/bias'], 'relu');
    const mu = dense(h, w['l3/kernel'], w['l3/bias'], 'linear').map((r) => r.slice(0, 2));
    const out = dense(dense(mu, w['l5/kernel'], w['l5/bias'], 'relu'), w['l6/kernel'], w['l6/bias'], 'sigmoid');
    out.flat().forEach((v, i) => expect(Math.abs(first[i] - v)).toBeLessThan(1e-5));

    const { encoder, decoder, latent } = vaeParts(vae, 'test');
    expect(latent).toBe(2);
    const gotMu = await run(encoder.onnx, test.x, [test.n, 1, 8, 8]);
    mu.flat().forEach((v, i) => expect(Math.abs(gotMu[i] - v)).toBeLessThan(1e-5));
    const gotOut = await run(decoder.onnx, Float32Array.from(mu.flat()), [test.n, 2]);
    out.flat().forEach((v, i) => expect(Math.abs(gotOut[i] - v)).toBeLessThan(1e-5));
  });

  it('exports the VAE, its encoder and its decoder, each verified against in-app predictions', async () => {
    const { encoder, decoder } = vaeParts(vae, 'test');
    const cases: [string, TrainedModelValue, ReturnType<typeof syntheticRows>][] = [
      ['vae', vae, rowsFromDataset(data, 40, ['test'])!],
      ['encoder', encoder, rowsFromDataset(data, 40, ['test'])!],
      ['decoder', decoder, syntheticRows(decoder, 32)],
    ];
    for (const [name, model, rows] of cases) {
      const report = await exportOnnx(model, { file: path.join(dir, `${name}.onnx`), rows });
      expect(report.maxAbsDiff, name).toBeLessThanOrEqual(1e-5);
      expect(report.rows, name).toBe(rows.n);
    }
  });

  it('exports the VAE and its encoder to TF.js (μ taken by Reshape + Cropping2D + Flatten), verified against onnxruntime', async () => {
    const { encoder } = vaeParts(vae, 'test');
    for (const [name, model] of [
      ['vae', vae],
      ['encoder', encoder],
    ] as const) {
      const report = await exportTfjs(model, {
        dir: path.join(dir, `${name}-tfjs`),
        rows: rowsFromDataset(data, 40, ['test'])!,
      });
      expect(report.maxAbsDiff, name).toBeLessThanOrEqual(1e-5);
      expect(report.rows, name).toBe(40);
      expect(report.layers.join(' '), name).toContain('Dense Reshape Cropping2D Flatten');
    }
  });
});

describe('gen.sample', () => {
  const params = (p: Partial<(typeof genSampleParams)['_input']>) => genSampleParams.parse(p);

  it('decodes seeded random draws into a grid of the right size, and rows beside their reconstructions', async () => {
    const file = path.join(dir, 'grid.png');
    const p = params({ count: 7, columns: 3, zoom: 2, seed: 4, reconstructions: 5, path: 'grid.png' });
    const res = await genSampleExecutor(context({ model: vae, data }, p));
    const samples = res.outputs.samples as DataPreviewValue;
    // One 8×8 thumbnail per sample; the file is the grid: 3 columns × 3 rows of 16-pixel tiles, 1-pixel gaps.
    expect(samples.images!.map((t) => [t.width, t.height, t.channels, t.label])).toEqual(
      Array.from({ length: 7 }, (_, i) => [8, 8, 1, `#${i + 1}`]),
    );
    expect(samples.rowCount).toBe(7);
    expect(samples.head.columns).toEqual(['z0', 'z1']);
    const png = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([png.info.width, png.info.height]).toEqual([50, 50]);
    samples.images!.forEach((t, s) => {
      const [x0, y0] = [(s % 3) * 17, Math.floor(s / 3) * 17];
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) {
          expect(png.data[(y0 + 2 * y) * 50 + x0 + 2 * x]).toBe(t.pixels[y * 8 + x]);
          expect(png.data[(y0 + 2 * y + 1) * 50 + x0 + 2 * x + 1]).toBe(t.pixels[y * 8 + x]);
        }
    });
    expect(png.data[8 * 50 + 16]).toBe(255);
    const [img] = samples.images!;
    const thumb = await sharp(Buffer.from(img.dataUrl!.replace('data:image/png;base64,', ''), 'base64'))
      .extractChannel(0)
      .raw()
      .toBuffer();
    expect(Array.from(thumb)).toEqual(img.pixels);

    const again = (await genSampleExecutor(context({ model: vae, data }, { ...p, path: '' }))).outputs
      .samples as DataPreviewValue;
    expect(again.images![0].pixels).toEqual(img.pixels);
    const other = (await genSampleExecutor(context({ model: vae, data }, { ...p, path: '', seed: 5 }))).outputs
      .samples as DataPreviewValue;
    expect(other.images![0].pixels).not.toEqual(img.pixels);

    const view = buildResultView('node', 'run', genSampleNode, res);
    expect(view.outputs.map((o) => [o.port, o.kind])).toEqual([
      ['samples', 'preview'],
      ['encoder', 'model'],
      ['decoder', 'model'],
      ['reconstructions', 'preview'],
    ]);
    const shown = view.outputs[0] as Extract<(typeof view.outputs)[number], { kind: 'preview' }>;
    expect(shown.previews[0].images).toHaveLength(7);

    const rec = res.outputs.reconstructions as DataPreviewValue;
    // One image per row: input and reconstruction side by side with a 1-pixel gap.
    expect(rec.images!.map((t) => [t.width, t.height, t.label])).toEqual(
      [1, 2, 3, 4, 5].map((r) => [17, 8, `row ${r}: input | output`]),
    );
    expect(rec.head.columns).toEqual(['row', 'bar', 'reconstruction error']);
    expect(rec.rowCount).toBe(5);
  });

  it('interpolates in a straight line from the μ of row `from` to the μ of row `to`', async () => {
    const p = params({ mode: 'interpolate', count: 5, from: 2, to: 3, reconstructions: 0 });
    const res = await genSampleExecutor(context({ model: vae, data }, p));
    const samples = res.outputs.samples as DataPreviewValue;
    expect(res.outputs.reconstructions).toBeUndefined();
    const { encoder } = vaeParts(vae, 'test');
    const test = data.splits.test;
    const mu = await run(encoder.onnx, test.x.slice(2 * 64, 4 * 64), [2, 1, 8, 8]);
    const z = samples.head.rows.map((r) => r.map(Number));
    for (let j = 0; j < 2; j++) {
      expect(z[0][j]).toBeCloseTo(mu[j], 3);
      expect(z[4][j]).toBeCloseTo(mu[2 + j], 3);
      expect(z[2][j]).toBeCloseTo((mu[j] + mu[2 + j]) / 2, 3);
    }
    expect(samples.images!.map((t) => t.label)).toEqual(['t = 0.00', 't = 0.25', 't = 0.50', 't = 0.75', 't = 1.00']);
  });

  it('refuses a model that is not a VAE, and a row past the split, naming what to do', async () => {
    const { model: plain } = await trainVae(
      { epochs: 1, target: 'label', loss: 'auto' },
      seq({ kind: 'flatten' }, { kind: 'dense', units: 'auto' }),
    );
    await expect(genSampleExecutor(context({ model: plain }, params({})))).rejects.toThrow(
      /not trained as an autoencoder; connect a train.trainer with target input/,
    );
    const { model: ae } = await trainVae({ epochs: 1 }, seq({ kind: 'flatten' }, { kind: 'dense', units: 'auto' }));
    await expect(genSampleExecutor(context({ model: ae }, params({})))).rejects.toThrow(/no sampling layer/);
    await expect(
      genSampleExecutor(context({ model: vae, data }, params({ mode: 'interpolate', to: 40 }))),
    ).rejects.toThrow('to is row 40, but the "test" split has 40 rows');
  });
});

describe('train.trainer with target input refuses', () => {
  it('cross-entropy, values outside [0, 1] under binary cross-entropy, and an output of the wrong size', async () => {
    await expect(trainVae({ epochs: 1, loss: 'cross_entropy' })).rejects.toThrow(/cross_entropy cannot reconstruct/);
    const loud = structuredClone(data);
    loud.splits.train.x[3 * 64 + 5] = 2;
    await expect(trainVae({ epochs: 1 }, vaeSpec, loud)).rejects.toThrow(
      'binary_cross_entropy reconstructs values in [0, 1], but row 3 of the training split has 2 (feature 5)',
    );
    await expect(
      trainVae({ epochs: 1 }, seq({ kind: 'flatten' }, { kind: 'dense', units: 10 })),
    ).rejects.toBeInstanceOf(UserError);
    const recipe = {
      format: 'weft.learner' as const,
      learner: 'train.trainer',
      task: 'classification' as const,
      params: { target: 'input' },
      seed: 1,
      model: vaeSpec,
    };
    const host = { signal: new AbortController().signal, progress: () => undefined, warn: () => undefined };
    await expect(
      fitRecipe(recipe, data, { ...host, workspace: dir, nodeId: 'cmp' }, 'eval.compare (cmp)'),
    ).rejects.toThrow(
      'eval.compare (cmp): a connected train.trainer trains an autoencoder (target input), which predicts no labels to score',
    );
  });
});
