/**
 * opt.quantize on the bench CNN trained one epoch on the committed digits: the float model run by
 * onnxruntime is the oracle for the int8 one, and the digits' labels for the accuracy change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDigits } from '../../../../../../bench/digits/digitsIdx';
import { digitsDataset, trainedDigitsModel } from '../../../../../../bench/digits/trainedModel';
import type { DatasetValue, TrainedModelValue } from '../../../../../../core/common';
import { decodeModel } from '../../../../../../core/common/model/onnx/decodeModel';
import { encodeModelData } from '../../../../../../core/common/model/onnx/encodeModel';
import { optQuantizeParams } from '../../../../../../core/common/nodes/opt/quantize';
import { calibrateRanges } from '../../../../../../core/node/export/calibrate';
import { exportOnnx } from '../../../../../../core/node/export/exportOnnx';
import { exportTfjs } from '../../../../../../core/node/export/exportTfjs';
import { optQuantizeExecutor } from '../../../../../../core/node/executors/opt/quantize';
import { runTrainedModel } from '../../../../../../core/node/inference/runModel';
import { executorContext } from '../../../../../fixtures/executorContext';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-quantize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let model: TrainedModelValue;
let data: DatasetValue;

beforeAll(async () => {
  const digits = loadDigits();
  data = digitsDataset(digits);
  model = await trainedDigitsModel('cnn', digits, { epochs: 1, seed: 1 });
}, 120_000);

async function quantize(params: Partial<typeof optQuantizeParams._input> = {}, inputs = { model, data }) {
  const warnings: string[] = [];
  const ctx = executorContext(optQuantizeParams.parse(params), {
    inputs,
    log: (m, level) => {
      if (level === 'warn') warnings.push(m);
    },
  });
  const r = await optQuantizeExecutor(ctx);
  return { int8: r.outputs.model as TrainedModelValue, summary: r.summary!, warnings };
}

describe('opt.quantize: static int8 of a CNN on the digits', () => {
  it('int8 within 0.05 of the float probabilities, the same label on ≥ 99% of the 2000 test digits, ≥ 2× smaller', async () => {
    const { int8, summary, warnings } = await quantize();
    const m = summary.metrics!;
    expect(warnings).toEqual([]);
    expect(m.label_agreement).toBeGreaterThanOrEqual(0.99);
    expect(m.max_abs_diff).toBeLessThan(0.05);
    expect(Math.abs(m.accuracy_change)).toBeLessThanOrEqual(0.01);
    expect(m.size_ratio).toBeGreaterThanOrEqual(2);
    expect(m.batch_dependence).toBe(0);
    expect(m.float_accuracy).toBeGreaterThan(0.85);
    expect(summary.text).toMatch(/uint8 activations calibrated min-max on 1000 rows/);
    // The output model is an ordinary TrainedModel: the app runs it, with the labels the report counted.
    const test = data.splits.test;
    const [f, q] = [await runTrainedModel(model, test.x, test.n), await runTrainedModel(int8, test.x, test.n)];
    let same = 0;
    let hits = 0;
    for (let i = 0; i < test.n; i++) {
      const arg = (v: Float32Array): number => {
        const row = Array.from(v.subarray(i * 10, i * 10 + 10));
        return row.indexOf(Math.max(...row));
      };
      same += arg(f.values) === arg(q.values) ? 1 : 0;
      hits += arg(q.values) === test.y[i] ? 1 : 0;
    }
    expect(same / test.n).toBeCloseTo(m.label_agreement, 12);
    expect(hits / test.n).toBeCloseTo(m.int8_accuracy, 12);
    // Both convolutions and the dense layer read int8 weights through DequantizeLinear.
    const g = decodeModel(int8.onnx).graph;
    const int8Weights = g.initializers
      .filter((t) => t.dtype === 'int8' && t.dims.length >= 2)
      .map((t) => t.dims.length);
    expect(int8Weights.sort()).toEqual([2, 4, 4]);
    expect(g.nodes.filter((n) => n.opType === 'Conv').every((n) => n.inputs.every((i) => i.endsWith('_dq')))).toBe(
      true,
    );
    expect(int8.trainParams.quantization).toMatch(/^int8 static QDQ/);
    // It exports to ONNX verified against the app (the same int8 numbers); TF.js has no int8 layers and says so.
    const rows = { n: 500, x: test.x.subarray(0, 500 * 784), y: test.y.subarray(0, 500), source: 'test' };
    const exported = await exportOnnx(int8, { file: path.join(dir, 'int8.onnx'), rows });
    expect(exported.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    await expect(exportTfjs(int8, { dir: path.join(dir, 'tfjs'), rows })).rejects.toThrow(
      /operator QuantizeLinear has no TF\.js layers counterpart; export to ONNX instead/,
    );
  });

  it('one row at a time and 24 rows at once give bit-identical outputs (static scales)', async () => {
    const { int8 } = await quantize({ calibration: 'percentile', percentile: 99.99 });
    const session = await ort.InferenceSession.create(int8.onnx);
    const x = data.splits.test.x.subarray(0, 24 * 784);
    const batched = (await session.run({ input: new ort.Tensor('float32', x, [24, 1, 28, 28]) })).output
      .data as Float32Array;
    const single: number[] = [];
    for (let i = 0; i < 24; i++) {
      const row = x.slice(i * 784, (i + 1) * 784);
      single.push(
        ...((await session.run({ input: new ort.Tensor('float32', row, [1, 1, 28, 28]) })).output.data as Float32Array),
      );
    }
    await session.release();
    expect(single).toEqual(Array.from(batched));
  });

  it('warns, never silently, about few calibration rows (with the count) and an accuracy drop past the threshold', async () => {
    const few = await quantize({ calibrationRows: 40 });
    expect(few.warnings.join('\n')).toMatch(/calibrated on only 40 rows \(200 or more advised\)/);
    expect(few.summary.text).toMatch(/warning: int8 calibrated on only 40 rows/);
    // A 51st percentile clips most activations: accuracy collapses, and the report says so.
    const clipped = await quantize({ calibration: 'percentile', percentile: 51, maxAccuracyDrop: 0.02 });
    expect(clipped.summary.metrics!.accuracy_change).toBeLessThan(-0.02);
    expect(clipped.warnings.join('\n')).toMatch(
      /int8 accuracy drops by \d+\.\d\d points .* more than the 2\.00 allowed/,
    );
  });

  it('bad input: no calibration rows, a raw-column model, a mismatched dataset, no weights, a bad percentile', async () => {
    const noTrain: DatasetValue = { ...data, splits: { test: data.splits.test } };
    await expect(quantize({}, { model, data: noTrain })).rejects.toThrow(/no train or validation rows to calibrate on/);
    await expect(quantize({}, { model: { ...model, rawInputs: true }, data })).rejects.toThrow(/takes raw columns/);
    const wide: DatasetValue = { ...data, featureShape: [1, 14, 56] };
    await expect(quantize({}, { model, data: wide })).rejects.toThrow(/opt\.quantize \(node\)/);
    const softmaxOnly = encodeModelData({
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        nodes: [
          { opType: 'Flatten', inputs: ['input'], outputs: ['f'] },
          { opType: 'Softmax', inputs: ['f'], outputs: ['output'] },
        ],
        inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 1, 28, 28] }],
        outputs: [{ name: 'output', dtype: 'float32', shape: ['N', 784] }],
        initializers: [],
      },
    });
    await expect(quantize({}, { model: { ...model, onnx: softmaxOnly }, data })).rejects.toThrow(
      /no Conv\/MatMul\/Gemm weights to quantize/,
    );
    expect(() => optQuantizeParams.parse({ percentile: 40 })).toThrow();
    await expect(
      calibrateRanges(
        decodeModel(model.onnx),
        ['input'],
        { n: 1, feeds: () => ({}) },
        { kind: 'percentile', percentile: 40 },
      ),
    ).rejects.toThrow(/percentile must be in \(50, 100\], not 40/);
    const nan = new Float32Array(784).fill(0.5);
    nan[3] = NaN;
    await expect(
      calibrateRanges(
        decodeModel(model.onnx),
        ['input', 'relu'],
        { n: 1, feeds: () => ({ input: new ort.Tensor('float32', nan, [1, 1, 28, 28]) }) },
        { kind: 'minmax' },
      ),
    ).rejects.toThrow(/calibration found NaN in activation input; fill or drop missing values/);
  });
});
