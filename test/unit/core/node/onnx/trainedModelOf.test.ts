import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../../../core/node/export/onnxProto';
import { trainedModelOfFile } from '../../../../../core/node/onnx/trainedModelOf';
import { linearModel, mixedModel } from './onnxFiles';

const w = [
  [1, 0, 2],
  [0, 1, -1],
];

describe('trainedModelOfFile', () => {
  it('reads a softmax-ended graph as a classifier with classes named by index', () => {
    const bytes = encodeModel(linearModel(w, [0, 0, 0], { softmax: true }));
    const m = trainedModelOfFile(bytes, 'lin.onnx');
    expect(m).toMatchObject({
      task: 'classification',
      featureShape: [2],
      classNames: ['0', '1', '2'],
      inputName: 'x',
      outputName: 'y',
      provider: 'cpu',
    });
    expect(m.targetDim).toBeUndefined();
    expect(m.onnx).toBe(bytes);
  });

  it('reads any other graph as a regression with targetDim from the output width', () => {
    const m = trainedModelOfFile(encodeModel(linearModel(w, [0, 0, 0])), 'lin.onnx');
    expect(m).toMatchObject({ task: 'regression', featureShape: [2], targetDim: 3 });
    expect(m.classNames).toBeUndefined();
  });

  it('names the file when the model cannot be read as features in, predictions out', () => {
    expect(() => trainedModelOfFile(new Uint8Array([1, 2, 3, 4]), 'junk.onnx')).toThrow(
      /^junk\.onnx: not a readable ONNX model/,
    );
    const dynamic = linearModel(w, [0, 0, 0]);
    dynamic.graph.input[0].type!.tensor_type!.shape!.dim![1] = { dim_param: 'F' };
    expect(() => trainedModelOfFile(encodeModel(dynamic), 'dyn.onnx')).toThrow(
      'dyn.onnx: the input x needs fixed sizes after the batch dimension',
    );
    expect(() => trainedModelOfFile(encodeModel(mixedModel()), 'mixed.onnx')).toThrow(
      /^mixed\.onnx: the first input must be a float32 tensor$/,
    );
  });
});
