import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../../../../../core/node/onnx/inspect';
import { BadRequest } from '../../../../../core/node/serving/badRequest';
import { feedsFromRequest } from '../../../../../core/node/serving/oip';

const inputs: TensorInfo[] = [{ name: 'numeric', dtype: 'float64', shape: ['N', 3] }];
const request = (data: unknown[]) => ({ inputs: [{ name: 'numeric', shape: [1, 3], datatype: 'FP64', data }] });

describe('missing values in served inputs', () => {
  it('are NaN where the model declares missing values allowed', () => {
    const feeds = feedsFromRequest(request([1.5, null, 'NaN']), inputs, new Set(['numeric']));
    expect(Array.from(feeds.numeric.data as Float64Array)).toEqual([1.5, NaN, NaN]);
  });

  it('are refused, naming the input and index, where it does not', () => {
    expect(() => feedsFromRequest(request([1.5, null, 2]), inputs)).toThrow(BadRequest);
    expect(() => feedsFromRequest(request([1.5, 2, 'NaN']), inputs)).toThrow(
      /inputs\[0\] \(numeric\): data\[2\] is "NaN" \(a missing value\), and this input does not accept missing values/,
    );
  });

  it('never accept ±Infinity, even where missing values are allowed', () => {
    expect(() => feedsFromRequest(request([1, Infinity, 2]), inputs, new Set(['numeric']))).toThrow(
      /data\[1\] is Infinity/,
    );
  });
});

describe('missing values in binary tensor data', () => {
  const binary = (values: number[]) => {
    const b = Buffer.alloc(8 * values.length);
    values.forEach((v, i) => b.writeDoubleLE(v, 8 * i));
    return b;
  };
  const header = {
    inputs: [{ name: 'numeric', shape: [1, 3], datatype: 'FP64', parameters: { binary_data_size: 24 } }],
  };

  it('NaN is a missing value where the model declares them, refused naming the index elsewhere', () => {
    const feeds = feedsFromRequest(header, inputs, new Set(['numeric']), binary([1.5, NaN, 2]));
    expect(Array.from(feeds.numeric.data as Float64Array)).toEqual([1.5, NaN, 2]);
    expect(() => feedsFromRequest(header, inputs, new Set(), binary([1.5, NaN, 2]))).toThrow(
      /inputs\[0\] \(numeric\): data\[1\] is NaN \(a missing value\), and this input does not accept missing values/,
    );
    expect(() => feedsFromRequest(header, inputs, new Set(['numeric']), binary([1, -Infinity, 2]))).toThrow(
      /data\[1\] is -Infinity/,
    );
  });
});
