import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../../../../core/common/model/onnx/decodeModel';
import { encodeModelData, type ModelData } from '../../../../../../core/common/model/onnx/encodeModel';
import { fieldsOf, utf8Decode } from '../../../../../../core/common/model/onnx/protoReader';
import { ProtoWriter } from '../../../../../../core/common/model/onnx/protoWriter';

const model: ModelData = {
  irVersion: 8,
  opsets: [
    { domain: '', version: 17 },
    { domain: 'ai.onnx.ml', version: 3 },
  ],
  producerName: 'test',
  metadata: [{ key: 'k', value: 'välue' }],
  graph: {
    name: 'g',
    nodes: [
      {
        opType: 'LabelEncoder',
        domain: 'ai.onnx.ml',
        inputs: ['s'],
        outputs: ['code'],
        name: 'enc',
        attrs: {
          keys_strings: { strings: ['a', 'ü'] },
          values_int64s: { ints: [0, 1] },
          default_int64: { i: -1 },
        },
      },
      { opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], name: 'r', attrs: { allowzero: { i: 0 } } },
    ],
    inputs: [
      { name: 's', dtype: 'string', shape: ['N', 1] },
      { name: 'x', dtype: 'float64', shape: ['N', 2] },
    ],
    outputs: [
      { name: 'code', dtype: 'int64', shape: ['N', 1] },
      { name: 'y', dtype: 'float64', shape: ['N', 2] },
    ],
    initializers: [{ name: 'shape', dtype: 'int64', dims: [2], data: BigInt64Array.from([-1n, 2n]) }],
  },
};

describe('decodeModel', () => {
  it('reads back what encodeModelData wrote: opsets, domains, string and negative int attributes, metadata', () => {
    const back = decodeModel(encodeModelData(model));
    expect(back).toEqual(model);
  });

  it('keeps fields it does not model (doc strings, functions) and writes them back unchanged', async () => {
    const w = new ProtoWriter();
    w.raw(encodeModelData(model));
    w.string(6, 'model doc');
    w.message(25, (f) => f.string(1, 'some_function'));
    const bytes = w.finish();
    const again = encodeModelData(decodeModel(bytes));
    const extra = fieldsOf(again).filter((f) => f.field === 6 || f.field === 25);
    expect(extra.map((f) => f.field)).toEqual([6, 25]);
    expect(utf8Decode(extra[0].bytes)).toBe('model doc');
    const session = await ort.InferenceSession.create(encodeModelData(decodeModel(encodeModelData(model))));
    const out = await session.run({
      s: new ort.Tensor('string', ['ü', 'zz'], [2, 1]),
      x: new ort.Tensor('float64', Float64Array.from([1, 2, 3, 4]), [2, 2]),
    });
    expect(Array.from(out.code.data as BigInt64Array, Number)).toEqual([1, -1]);
    await session.release();
  });

  it('a model cut short throws a RangeError', () => {
    const bytes = encodeModelData(model);
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 7))).toThrow(RangeError);
  });
});
