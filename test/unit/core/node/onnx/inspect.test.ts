import { describe, expect, it } from 'vitest';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { describeModel, formatShape, readModelHeader } from '../../../../../core/node/onnx/inspect';
import { openSession } from '../../../../../core/node/onnx/session';
import { linearModel, mixedModel } from './onnxFiles';

describe('describeModel', () => {
  it('lists names, dtypes and shapes (symbolic dims by name) of inputs and outputs', async () => {
    const bytes = encodeModelData(mixedModel());
    const { session } = await openSession(bytes, { provider: 'cpu' });
    try {
      const info = describeModel(session, bytes);
      expect(info.inputs).toEqual([
        { name: 'ids', dtype: 'int64', shape: ['N'] },
        { name: 'mask', dtype: 'bool', shape: ['N', 2] },
      ]);
      expect(info.outputs).toEqual([
        { name: 'twice', dtype: 'int64', shape: ['N'] },
        { name: 'notmask', dtype: 'bool', shape: ['N', 2] },
      ]);
      expect(info.producer).toBe('weft-test');
      expect(info.opsets).toEqual([{ domain: '', version: 17 }]);
      expect(formatShape(info.inputs[1].shape)).toBe('[N, 2]');
    } finally {
      await session.release();
    }
  });

  it('reads metadata_props without decoding the weights', () => {
    const bytes = encodeModelData(
      linearModel([[1]], [0], { metadata: { 'weft.class_names': '["a","b"]', author: 'x' } }),
    );
    expect(readModelHeader(bytes).metadata).toEqual({ 'weft.class_names': '["a","b"]', author: 'x' });
  });

  it('fixed batch sizes come back as numbers', async () => {
    const bytes = encodeModelData(linearModel([[1, 2]], [0, 0], { batch: 1 }));
    const { session } = await openSession(bytes, { provider: 'cpu' });
    expect(describeModel(session, bytes).inputs[0]).toEqual({ name: 'x', dtype: 'float32', shape: [1, 1] });
    await session.release();
  });
});
