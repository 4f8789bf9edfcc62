import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { writeTritonRepository } from '../../../../../core/node/serving/triton';
import { linearModel, mixedModel, tempDir, writeModel } from '../onnx/onnxFiles';
import { parsePbtxt, type PbMessage } from '../../../../../core/node/serving/pbtxt';

const dir = tempDir('weft-triton-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (file: string): PbMessage => parsePbtxt(readFileSync(file, 'utf8'));

describe('writeTritonRepository', () => {
  it('writes <name>/config.pbtxt and <name>/1/model.onnx; batching drops the dynamic batch dim', async () => {
    const file = writeModel(
      dir,
      'iris.onnx',
      linearModel(
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
          [1, 1, 1],
        ],
        [0, 0, 0],
        { softmax: true },
      ),
    );
    const out = path.join(dir, 'repo');
    const files = await writeTritonRepository({ onnxFile: file, out });
    expect(files).toEqual([path.join(out, 'iris', 'config.pbtxt'), path.join(out, 'iris', '1', 'model.onnx')]);
    expect(readFileSync(files[1])).toEqual(readFileSync(file));
    expect(config(files[0])).toEqual({
      name: 'iris',
      platform: 'onnxruntime_onnx',
      max_batch_size: 64,
      input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [4] }],
      output: [{ name: 'y', data_type: 'TYPE_FP32', dims: [3] }],
      dynamic_batching: {},
    });
  });

  it('takes bytes, a name and a batch size; batch-only tensors become [1] reshaped to scalars; dtypes map to Triton types', async () => {
    const files = await writeTritonRepository({
      onnx: encodeModelData(mixedModel()),
      out: path.join(dir, 'mixed'),
      name: 'ids_model',
      maxBatchSize: 8,
    });
    const c = config(files[0]);
    expect(c.name).toBe('ids_model');
    expect(c.max_batch_size).toBe(8);
    expect(c.input).toEqual([
      { name: 'ids', data_type: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
      { name: 'mask', data_type: 'TYPE_BOOL', dims: [2] },
    ]);
    expect(c.output).toEqual([
      { name: 'twice', data_type: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
      { name: 'notmask', data_type: 'TYPE_BOOL', dims: [2] },
    ]);
  });

  it('a fixed batch dimension turns batching off and keeps full dims, -1 for other dynamic dims', async () => {
    const bytes = encodeModelData({
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      graph: {
        name: 'seq',
        initializers: [],
        nodes: [{ opType: 'Relu', inputs: ['tokens'], outputs: ['out'] }],
        inputs: [{ name: 'tokens', dtype: 'float64', shape: [1, 'seq', 8] }],
        outputs: [{ name: 'out', dtype: 'float64', shape: [1, 'seq', 8] }],
      },
    });
    const files = await writeTritonRepository({ onnx: bytes, out: path.join(dir, 'seq') });
    const c = config(files[0]);
    expect([c.name, c.max_batch_size, c.dynamic_batching]).toEqual(['model', 0, undefined]);
    expect(c.input).toEqual([{ name: 'tokens', data_type: 'TYPE_FP64', dims: [1, -1, 8] }]);
    await expect(writeTritonRepository({ onnx: bytes, out: path.join(dir, 'seq2'), maxBatchSize: 4 })).rejects.toThrow(
      /tokens \[1, seq, 8\]/,
    );
  });

  it('Weft class names become labels.txt on the probabilities output', async () => {
    const file = writeModel(
      dir,
      'named.onnx',
      linearModel([[1, 2]], [0, 0], { softmax: true, metadata: { 'weft.class_names': '["cat","dog"]' } }),
    );
    const files = await writeTritonRepository({ onnxFile: file, out: path.join(dir, 'named') });
    expect(readFileSync(files[2], 'utf8')).toBe('cat\ndog\n');
    expect(config(files[0]).output).toEqual([
      { name: 'y', data_type: 'TYPE_FP32', dims: [2], label_filename: 'labels.txt' },
    ]);
  });

  it('refuses bad names and unreadable models with the file named', async () => {
    const file = writeModel(dir, 'ok.onnx', linearModel([[1]], [0]));
    await expect(writeTritonRepository({ onnxFile: file, out: dir, name: '../escape' })).rejects.toThrow(
      /must use only letters/,
    );
    await expect(writeTritonRepository({ onnxFile: path.join(dir, 'missing.onnx'), out: dir })).rejects.toThrow(
      `${path.join(dir, 'missing.onnx')}: no such file`,
    );
  });
});

describe('the pbtxt reader used above', () => {
  it('reads nested messages, lists, enums and repeated blocks', () => {
    expect(parsePbtxt('a: 1\nb: "x y"\nc [ { d: E } , { d: F } ]\ng { h: [ 1, -2 ] }\n')).toEqual({
      a: 1,
      b: 'x y',
      c: [{ d: 'E' }, { d: 'F' }],
      g: { h: [1, -2] },
    });
  });
});
