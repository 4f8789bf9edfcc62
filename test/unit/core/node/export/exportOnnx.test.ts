import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetValue, FittedTransform, RawFeature, TableColumn } from '../../../../../core/common';
import { assembleFeatures } from '../../../../../core/common/transforms/features';
import { exportOnnx } from '../../../../../core/node/export/exportOnnx';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';
import { rowsFromDataset, syntheticRows } from '../../../../../core/node/export/verifyRows';
import { forward, seeded, tinyModel } from './tinyModel';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rawFeatures: RawFeature[] = [
  { name: 'a', type: 'number' },
  { name: 'color', type: 'category' },
  { name: 'b', type: 'integer' },
  { name: 'size', type: 'category' },
];
const transforms: FittedTransform[] = [
  { kind: 'standardize', column: 'a', mean: 10, std: 2 },
  { kind: 'onehot', column: 'color', categories: ['red', 'green', 'blue'], unknown: 'ignore' },
  { kind: 'impute', column: 'b', strategy: 'mean', value: 3.5 },
  { kind: 'minmax', column: 'b', min: 0, max: 7 },
  { kind: 'impute', column: 'size', strategy: 'most_frequent', value: 'M' },
  { kind: 'ordinal', column: 'size', categories: ['S', 'M', 'L'], unknown: -1 },
];
const featureNames = ['a', 'color=red', 'color=green', 'color=blue', 'b', 'size'];

function rawTable(n: number, seed: number): TableColumn[] {
  const r = seeded(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor((r() + 0.5) * xs.length)];
  return [
    { name: 'a', type: 'number', values: Float64Array.from({ length: n }, () => 10 + r() * 8) },
    {
      name: 'color',
      type: 'category',
      values: Array.from({ length: n }, () => pick(['red', 'green', 'blue', 'blue', 'purple', null])),
    },
    { name: 'b', type: 'integer', values: Float64Array.from({ length: n }, () => pick([0, 1, 2, 5, 7, NaN])) },
    { name: 'size', type: 'category', values: Array.from({ length: n }, () => pick(['S', 'M', 'L', 'XL', null])) },
  ];
}

function dataset(n: number, xTransforms = transforms): DatasetValue {
  const raw = rawTable(n, 3);
  const x = assembleFeatures(raw, rawFeatures, xTransforms, n);
  return {
    task: 'classification',
    featureShape: [6],
    featureNames,
    classNames: ['no', 'maybe', 'yes'],
    splits: { test: { x, y: Int32Array.from({ length: n }, (_, i) => i % 3), n, raw } },
    rawFeatures,
    transforms: xTransforms,
  };
}

const classifier = (): ReturnType<typeof tinyModel> =>
  tinyModel({
    features: 6,
    outputs: 3,
    task: 'classification',
    classNames: ['no', 'maybe', 'yes'],
    rawFeatures,
    transforms,
    featureNames,
  });

describe('export.onnx with preprocessing inside', () => {
  it('writes a verified file that a plain onnxruntime session runs on raw rows', async () => {
    const { model, weights } = classifier();
    const file = path.join(dir, 'tabular.onnx');
    const report = await exportOnnx(model, { file, rows: rowsFromDataset(dataset(200), 200, ['test'])! });
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(report.labelMismatches).toBe(0);
    expect(report.layout.inputs.map((i) => [i.name, i.dtype, i.columns])).toEqual([
      ['numeric', 'float64', ['a', 'b']],
      ['categorical', 'string', ['color', 'size']],
    ]);

    // Raw rows, with x worked out by hand from the transforms above:
    //  row 0: a=12 → (12-10)/2 = 1; color=blue → 0,0,1; b missing → 3.5 → 3.5/7 = 0.5; size missing → 'M' → 1
    //  row 1: a=8 → -1; color=purple (unseen) → 0,0,0; b=7 → 1; size=L → 2
    //  row 2: a=10 → 0; color missing → 0,0,0; b=0 → 0; size=XL (unseen) → -1
    const handX = [
      [1, 0, 0, 1, 0.5, 1],
      [-1, 0, 0, 0, 1, 2],
      [0, 0, 0, 0, 0, -1],
    ];
    const session = await ort.InferenceSession.create(file);
    const out = await session.run({
      numeric: new ort.Tensor('float64', Float64Array.from([12, NaN, 8, 7, 10, 0]), [3, 2]),
      categorical: new ort.Tensor('string', ['blue', '', 'purple', 'L', '', 'XL'], [3, 2]),
    });
    await session.release();
    const probs = out.probabilities.data as Float32Array;
    const labels = Array.from(out.label.data as BigInt64Array, Number);
    expect(out.label_name.type).toBe('string');
    expect(out.label_name.dims).toEqual([3]);
    const names = out.label_name.data as string[];
    handX.forEach((x, i) => {
      const expected = forward(weights, x, 6, 3, true);
      expected.forEach((p, c) => expect(Math.abs(probs[i * 3 + c] - p)).toBeLessThan(1e-5));
      expect(labels[i]).toBe(expected.indexOf(Math.max(...expected)));
      expect(names[i]).toBe(['no', 'maybe', 'yes'][expected.indexOf(Math.max(...expected))]);
    });
    expect(report.layout.outputs.map((o) => [o.name, o.dtype])).toEqual([
      ['probabilities', 'float32'],
      ['label', 'int64'],
      ['label_name', 'string'],
    ]);

    const written = decodeModel(readFileSync(file));
    expect(written.opsets.find((o) => !o.domain)!.version).toBeGreaterThanOrEqual(17);
    const meta = Object.fromEntries((written.metadata ?? []).map((p) => [p.key, p.value]));
    expect(JSON.parse(meta['weft.class_names'])).toEqual(['no', 'maybe', 'yes']);
    const card = JSON.parse(meta['weft.model_card']);
    expect(card).toMatchObject({ task: 'classification', datasetFingerprint: 'sha256:test', params: { epochs: 3 } });
    expect(card.weftVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(JSON.parse(meta['weft.io']).inputs[0].columns).toEqual(['a', 'b']);
  });

  it('fails loudly with the figure, and writes nothing, when the file disagrees with the app', async () => {
    const { model } = classifier();
    // The dataset's features were built with a different mean than the model's record says.
    const skewed = transforms.map((t) => (t.kind === 'standardize' ? { ...t, mean: 11 } : t));
    const file = path.join(dir, 'bad.onnx');
    await expect(
      exportOnnx(model, { file, rows: rowsFromDataset(dataset(50, skewed), 50, ['test'])! }),
    ).rejects.toThrow(/differ from in-app predictions by up to \d\.\d+e-\d+ \(allowed 0\.00001\)/);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.unverified`)).toBe(false);
  });

  it('int8 dynamic quantization writes a MatMulInteger model and reports the accuracy change', async () => {
    const { model } = classifier();
    const file = path.join(dir, 'q.onnx');
    const report = await exportOnnx(model, {
      file,
      rows: rowsFromDataset(dataset(300), 300, ['test'])!,
      quantize: 'force',
    });
    const q = report.quantized!;
    expect(q.written).toBe(true);
    expect(q.batchDependence).toBeGreaterThanOrEqual(0);
    expect(q.batchDependence).toBeLessThan(0.05);

    // A NaN (and a missing category) row: imputation runs before the quantized MatMul, so both files agree.
    // b is imputed with 3.5 (the fitted mean); a row with b missing must equal the row with b = 3.5 in each file.
    const labelsOf = async (f: string, b: number): Promise<{ label: number[]; p: Float32Array }> => {
      const s = await ort.InferenceSession.create(f);
      const o = await s.run({
        numeric: new ort.Tensor('float64', Float64Array.from([12, b]), [1, 2]),
        categorical: new ort.Tensor('string', ['red', ''], [1, 2]),
      });
      await s.release();
      return { label: Array.from(o.label.data as BigInt64Array, Number), p: o.probabilities.data as Float32Array };
    };
    const [f32, i8] = [await labelsOf(file, NaN), await labelsOf(q.file, NaN)];
    expect(i8.label).toEqual(f32.label);
    expect(Array.from(f32.p)).toEqual(Array.from((await labelsOf(file, 3.5)).p));
    expect(Array.from(i8.p)).toEqual(Array.from((await labelsOf(q.file, 3.5)).p));
    for (const v of [...f32.p, ...i8.p]) expect(Number.isFinite(v)).toBe(true);
    expect(q.file).toBe(path.join(dir, 'q.int8.onnx'));
    expect(q.weights).toBe(2);
    const ops = decodeModel(readFileSync(q.file)).graph.nodes.map((n) => n.opType);
    expect(ops).toContain('MatMulInteger');
    expect(ops).not.toContain('Gemm');
    // Quantized, so not bit-identical, but close: 8-bit weights and activations.
    expect(q.maxAbsDiff).toBeGreaterThan(0);
    expect(q.maxAbsDiff).toBeLessThan(0.05);
    expect(q.labelAgreement).toBeGreaterThan(0.9);
    expect(q.accuracyChange).toBeCloseTo(q.accuracy! - q.floatAccuracy!, 12);
  });

  it('int8 that does not pay (a tiny model: the file grows) is reported with size and latency and not written', async () => {
    const { model } = classifier();
    const file = path.join(dir, 'auto.onnx');
    const report = await exportOnnx(model, {
      file,
      rows: rowsFromDataset(dataset(100), 100, ['test'])!,
      quantize: 'auto',
    });
    const q = report.quantized!;
    expect(q.bytes).toBeGreaterThanOrEqual(q.floatBytes);
    expect(q.written).toBe(false);
    expect(existsSync(q.file)).toBe(false);
    expect(q.decision).toMatch(/^int8 does not pay: its file is not smaller \(\d+ vs \d+ bytes\).*kept float only/);
    for (const l of [q.latency, q.floatLatency]) {
      expect(l.batch1Ms).toBeGreaterThan(0);
      expect(l.batch256Ms).toBeGreaterThan(0);
    }
  });

  it('image-like models keep a tensor input; regressors output predictions; synthetic rows verify without data', async () => {
    const img = tinyModel({
      features: 4,
      outputs: 2,
      task: 'classification',
      classNames: ['a', 'b'],
      featureShape: [1, 2, 2],
    });
    const r1 = await exportOnnx(img.model, { file: path.join(dir, 'img.onnx'), rows: syntheticRows(img.model, 64) });
    expect(r1.layout.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: ['N', 1, 2, 2] }]);
    expect(r1.maxAbsDiff).toBeLessThanOrEqual(1e-5);

    const reg = tinyModel({ features: 6, outputs: 1, task: 'regression', rawFeatures, transforms, featureNames });
    const r2 = await exportOnnx(reg.model, { file: path.join(dir, 'reg.onnx'), rows: syntheticRows(reg.model, 100) });
    expect(r2.layout.outputs.map((o) => o.name)).toEqual(['predictions']);
    expect(r2.rowsSource).toMatch(/synthetic/);
    expect(r2.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
});
