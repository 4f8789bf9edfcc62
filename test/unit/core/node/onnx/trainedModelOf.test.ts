import { describe, expect, it } from 'vitest';
import { encodeModelData } from '../../../../../core/common/model/onnx/encodeModel';
import { trainedModelOfFile } from '../../../../../core/node/onnx/trainedModelOf';
import { linearModel, mixedModel } from './onnxFiles';

const w = [
  [1, 0, 2],
  [0, 1, -1],
];

describe('trainedModelOfFile', () => {
  it('reads a softmax-ended graph as a classifier with classes named by index', () => {
    const bytes = encodeModelData(linearModel(w, [0, 0, 0], { softmax: true }));
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
    const m = trainedModelOfFile(encodeModelData(linearModel(w, [0, 0, 0])), 'lin.onnx');
    expect(m).toMatchObject({ task: 'regression', featureShape: [2], targetDim: 3 });
    expect(m.classNames).toBeUndefined();
  });

  it('names the file when the model cannot be read as features in, predictions out', () => {
    expect(() => trainedModelOfFile(new Uint8Array([1, 2, 3, 4]), 'junk.onnx')).toThrow(
      /^junk\.onnx: not a readable ONNX model/,
    );
    const linear = linearModel(w, [0, 0, 0]);
    const dynamic = {
      ...linear,
      graph: { ...linear.graph, inputs: [{ ...linear.graph.inputs[0], shape: ['N', 'F'] }] },
    };
    expect(() => trainedModelOfFile(encodeModelData(dynamic), 'dyn.onnx')).toThrow(
      'dyn.onnx: the input x needs fixed sizes after the batch dimension',
    );
    expect(() => trainedModelOfFile(encodeModelData(mixedModel()), 'mixed.onnx')).toThrow(
      /^mixed\.onnx: the first input must be a float32 tensor$/,
    );
  });
});
