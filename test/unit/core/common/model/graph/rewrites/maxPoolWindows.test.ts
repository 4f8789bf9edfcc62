import { pool, unary } from '../../../../../../../core/common/model/graph/ops';
import { describeRewrite } from './rewriteCheck';

const tiled = (k: [number, number]) => ({ kernel: k, strides: k, dilations: [1, 1], pads: [0, 0, 0, 0] });

describeRewrite('maxPoolWindows', [
  {
    name: '2×2 windows tiling 4×6',
    fires: true,
    dtype: 'float64',
    inputs: [{ shape: [2, 2, 4, 6] }],
    build: (b, [x]) => pool(b, 'MaxPool', x, tiled([2, 2])),
  },
  {
    name: '3×2 windows, floor-cropped border (8×7 → 2×3)',
    fires: true,
    dtype: 'float64',
    inputs: [{ shape: [1, 2, 8, 7] }],
    build: (b, [x]) => pool(b, 'MaxPool', unary(b, 'Tanh', x), tiled([3, 2])),
  },
  {
    name: 'overlapping windows (3×3, stride 2)',
    fires: false,
    dtype: 'float64',
    inputs: [{ shape: [1, 1, 7, 7] }],
    build: (b, [x]) =>
      pool(b, 'MaxPool', x, { kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0] }),
  },
]);
