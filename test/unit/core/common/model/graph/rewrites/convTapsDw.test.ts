import { conv, unary } from '../../../../../../../core/common/model/graph/ops';
import { describeRewrite } from './rewriteCheck';

const geom = (strides: number[], dilations: number[], pads: number[]) => ({
  kernel: [3, 3],
  strides,
  dilations,
  pads,
});

describeRewrite('convTapsDw', [
  {
    name: '2 channels × 3×3 taps, stride 1, valid',
    fires: true,
    dtype: 'float32',
    inputs: [{ shape: [2, 2, 6, 5] }, { shape: [3, 2, 3, 3] }, { shape: [3] }],
    build: (b, [x, w, bias]) => unary(b, 'Tanh', conv(b, x, w, bias, geom([1, 1], [1, 1], [0, 0, 0, 0]))),
  },
  {
    name: '1 channel, dilation 2, no bias',
    fires: true,
    dtype: 'float32',
    inputs: [{ shape: [2, 1, 8, 9] }, { shape: [2, 1, 3, 3] }],
    build: (b, [x, w]) => conv(b, x, w, undefined, geom([1, 1], [2, 2], [0, 0, 0, 0])),
  },
  {
    name: 'padded conv (keeps the dW convolution)',
    fires: false,
    dtype: 'float32',
    inputs: [{ shape: [1, 2, 5, 5] }, { shape: [2, 2, 3, 3] }],
    build: (b, [x, w]) => conv(b, x, w, undefined, geom([1, 1], [1, 1], [1, 1, 1, 1])),
  },
  {
    name: '16 channels × 3×3 = 144 taps over 3×3 positions (many taps, few positions)',
    fires: true,
    dtype: 'float32',
    inputs: [{ shape: [2, 16, 5, 5] }, { shape: [3, 16, 3, 3] }, { shape: [3] }],
    build: (b, [x, w, bias]) => unary(b, 'Tanh', conv(b, x, w, bias, geom([1, 1], [1, 1], [0, 0, 0, 0]))),
  },
  {
    name: '8 channels × 3×3 = 72 taps over 92×92 positions (over the per-sample limit)',
    fires: false,
    dtype: 'float32',
    inputs: [{ shape: [1, 8, 94, 94], fixed: true }, { shape: [1, 8, 3, 3] }],
    build: (b, [x, w]) => conv(b, x, w, undefined, geom([1, 1], [1, 1], [0, 0, 0, 0])),
  },
]);
