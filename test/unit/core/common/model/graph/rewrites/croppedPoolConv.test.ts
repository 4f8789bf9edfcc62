import { conv, pool, unary } from '../../../../../../../core/common/model/graph/ops';
import { describeRewrite } from './rewriteCheck';

const valid3 = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] };
const tiled = { kernel: [2, 2], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0] };

describeRewrite('croppedPoolConv', [
  {
    name: 'Conv 3×3 → ReLU → MaxPool 2×2 dropping a row and a column (13×12 → 11×10 → 5×5)',
    fires: true,
    with: ['maxPoolWindows', 'reluPoolMask'],
    dtype: 'float32',
    fdStep: 1e-3,
    inputs: [{ shape: [1, 2, 13, 12] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: (b, [x, w, bias]) => pool(b, 'MaxPool', unary(b, 'Relu', conv(b, x, w, bias, valid3)), tiled),
  },
  {
    name: 'Conv 3×3 stride 2, same padding → MaxPool 2×2 cropped (9×9 → 5×5 → 2×2)',
    fires: true,
    with: ['maxPoolWindows'],
    dtype: 'float32',
    fdStep: 1e-3,
    inputs: [{ shape: [1, 2, 9, 9] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: (b, [x, w, bias]) =>
      pool(b, 'MaxPool', conv(b, x, w, bias, { ...valid3, strides: [2, 2], pads: [1, 1, 1, 1] }), tiled),
  },
  {
    name: 'Conv with shifted-view dW → ReLU → MaxPool cropped',
    fires: true,
    with: ['maxPoolWindows', 'reluPoolMask', 'convTapsDw'],
    dtype: 'float32',
    fdStep: 1e-3,
    inputs: [{ shape: [2, 1, 8, 9] }, { shape: [4, 1, 3, 3] }, { shape: [4] }],
    build: (b, [x, w, bias]) => pool(b, 'MaxPool', unary(b, 'Relu', conv(b, x, w, bias, valid3)), tiled),
  },
  {
    name: 'pool tiles the conv output exactly (nothing to crop)',
    fires: false,
    with: ['maxPoolWindows', 'reluPoolMask'],
    dtype: 'float32',
    fdStep: 1e-3,
    inputs: [{ shape: [1, 2, 6, 6] }, { shape: [2, 2, 3, 3] }, { shape: [2] }],
    build: (b, [x, w, bias]) => pool(b, 'MaxPool', unary(b, 'Relu', conv(b, x, w, bias, valid3)), tiled),
  },
]);
