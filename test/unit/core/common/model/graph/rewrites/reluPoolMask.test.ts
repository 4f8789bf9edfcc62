import { concat, pool, reshape, unary } from '../../../../../../../core/common/model/graph/ops';
import { describeRewrite } from './rewriteCheck';

const tiled = { kernel: [2, 2], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0] };

describeRewrite('reluPoolMask', [
  {
    name: 'ReLU → 2×2 MaxPool, cropped (5×7 → 2×3)',
    fires: true,
    dtype: 'float64',
    inputs: [{ shape: [2, 2, 5, 7] }],
    build: (b, [x]) => pool(b, 'MaxPool', unary(b, 'Relu', x), tiled),
  },
  {
    name: 'ReLU → MaxPool with the window routing rewrite on as well',
    fires: true,
    with: ['maxPoolWindows'],
    dtype: 'float64',
    inputs: [{ shape: [1, 3, 4, 4] }],
    build: (b, [x]) => pool(b, 'MaxPool', unary(b, 'Relu', x), tiled),
  },
  {
    name: 'ReLU output also read by a skip branch',
    fires: false,
    with: ['maxPoolWindows'],
    dtype: 'float64',
    inputs: [{ shape: [1, 1, 4, 4] }],
    build: (b, [x]) => {
      const r = unary(b, 'Relu', x);
      return concat(b, [reshape(b, pool(b, 'MaxPool', r, tiled), [1, 4]), reshape(b, r, [1, 16])], 1);
    },
  },
]);
