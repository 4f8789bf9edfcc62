import type { NodeData } from '../onnx/encodeModel';
import type { GraphBuilder, SDim, SShape, T } from './GraphBuilder';
import { formatShape } from './GraphBuilder';
import {
  add,
  compare,
  concat as concatOp,
  conv,
  countOf,
  expand,
  matmul,
  mul,
  reduceSum,
  reshape,
  scale,
  slice,
  sub,
  transpose,
  transposeLast2,
  unary,
  where,
} from './ops';

/**
 * Reverse-mode differentiation over the tape a GraphBuilder recorded: one gradient rule per
 * ONNX op type, each emitting standard ai.onnx ops into the same builder.
 */

interface RuleArgs {
  b: GraphBuilder;
  node: NodeData;
  ins: readonly T[];
  outs: readonly T[];
  /** Gradient of each output; undefined where no gradient flows. */
  dys: readonly (T | undefined)[];
  /** The recorded op that produced a tensor, if it is on the tape. */
  producer(t: T): NodeData | undefined;
  /**
   * Gradients known to be zero wherever their forward tensor is ≤ 0: the ReLU rule passes them
   * through unmasked (a MaxPool over a ReLU output masks at the smaller pooled size instead).
   */
  positiveOnly: Set<string>;
  /**
   * Gradients that are a smaller gradient zero-padded at the ends of the spatial axes (the border
   * a floor-mode pool drops), by name, with the unpadded one: a Conv rule works on the smaller one.
   */
  endPadded: Map<string, T>;
}

type Rule = (a: RuleArgs) => (T | undefined)[];

const intAttr = (n: NodeData, name: string, dflt: number): number => {
  const a = n.attrs?.[name];
  return a && 'i' in a ? a.i : dflt;
};
const intsAttr = (n: NodeData, name: string): readonly number[] => {
  const a = n.attrs?.[name];
  return a && 'ints' in a ? a.ints : [];
};
const floatAttr = (n: NodeData, name: string, dflt: number): number => {
  const a = n.attrs?.[name];
  return a && 'f' in a ? a.f : dflt;
};

/** Sums a broadcast gradient `g` back down to `shape`. */
export function unbroadcast(b: GraphBuilder, g: T, shape: SShape): T {
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
  }
  const summed = reduceSum(b, g, axes, true);
  return reshape(b, summed, shape);
}

const zerosLike = (b: GraphBuilder, x: T): T =>
  b.opNoGrad(
    'ConstantOfShape',
    [b.opNoGrad('Shape', [x], [x.shape.length], {}, 'int64')],
    x.shape,
    {
      value: {
        t: {
          name: 'zero',
          dtype: x.dtype,
          dims: [1],
          data: x.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1),
        },
      },
    },
    x.dtype,
  );

function matmulGrad({ b, ins, dys }: RuleArgs): (T | undefined)[] {
  const [x, w] = ins as [T, T];
  const dy = dys[0]!;
  if (w.shape.length === 2 && x.shape.length >= 2) {
    const dx = matmul(b, dy, transposeLast2(b, w));
    const K = x.shape[x.shape.length - 1];
    const P = w.shape[1];
    const x2 = x.shape.length === 2 ? x : reshape(b, x, ['batch', K]);
    const dy2 = dy.shape.length === 2 ? dy : reshape(b, dy, ['batch', P]);
    const dw = b.op('Gemm', [x2, dy2], [K, P], { transA: { i: 1 } });
    return [dx, dw];
  }
  const dx = unbroadcast(b, matmul(b, dy, transposeLast2(b, w)), x.shape);
  const dw = unbroadcast(b, matmul(b, transposeLast2(b, x), dy), w.shape);
  return [dx, dw];
}

function reduceGrad(mean: boolean): Rule {
  return ({ b, node, ins, outs, dys }) => {
    const x = ins[0];
    const y = outs[0];
    let axes = node.opType === 'ReduceSum' ? constAxes(b, ins[1]) : intsAttr(node, 'axes');
    axes = axes.map((a) => (a < 0 ? a + x.shape.length : a));
    const keep: SDim[] = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    let g = reshape(b, dys[0]!, keep);
    if (mean) g = b.op('Div', [g, b.op('Div', [countOf(b, x), countOf(b, y)], [])], keep);
    return [expand(b, g, x)];
  };
}

/** ReduceMax over one fixed-size axis: the gradient goes to the first maximum (as PyTorch's max(dim)). */
function reduceMaxGrad({ b, node, ins, dys }: RuleArgs): (T | undefined)[] {
  const x = ins[0];
  const axes = intsAttr(node, 'axes').map((a) => (a < 0 ? a + x.shape.length : a));
  const n = x.shape[axes[0]];
  if (axes.length !== 1 || typeof n !== 'number')
    throw new Error('autodiff: ReduceMax is differentiable over one fixed-size axis');
  const keep: SDim[] = x.shape.map((d, i) => (i === axes[0] ? 1 : d));
  const first = b.opNoGrad('ArgMax', [x], keep, { axis: { i: axes[0] }, keepdims: { i: 1 } }, 'int64');
  const positions = b.constI64(
    Array.from({ length: n }, (_, i) => i),
    x.shape.map((_, i) => (i === axes[0] ? n : 1)),
  );
  return [where(b, compare(b, 'Equal', positions, first), reshape(b, dys[0]!, keep), b.constF(0))];
}

/** Reads back the int64 values of a constant initializer (axes, shapes). */
function constAxes(b: GraphBuilder, t: T): number[] {
  const init = b.initializers.find((i) => i.name === t.name);
  if (!init || !(init.data instanceof BigInt64Array)) throw new Error(`autodiff: ${t.name} is not a constant`);
  return Array.from(init.data, Number);
}

/**
 * dx of a Conv from a gradient `dy` whose trailing rows/columns (beyond `dy`'s own size) are zero:
 * ConvTranspose yields the leading part of the input gradient, the rest is zero-padded.
 */
function convTransposeOfCropped(
  b: GraphBuilder,
  dy: T,
  w: T,
  x: T,
  kernel: readonly number[],
  strides: readonly number[],
  dil: readonly number[],
  pads: readonly number[],
): T | undefined {
  const r = kernel.length;
  const endPads: number[] = [];
  const after: number[] = [];
  const shape: SDim[] = [x.shape[0], w.shape[1]];
  for (let i = 0; i < r; i++) {
    const full = strides[i] * ((dy.shape[i + 2] as number) - 1) + dil[i] * (kernel[i] - 1) + 1;
    const kept = full - pads[i];
    if (kept <= 0) return undefined;
    const H = x.shape[i + 2] as number;
    endPads.push(Math.max(0, kept - H));
    after.push(Math.max(0, H - kept));
    shape.push(Math.min(H, kept));
  }
  const dx = b.op('ConvTranspose', [dy, w], shape, {
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    dilations: { ints: dil },
    pads: { ints: [...pads.slice(0, r), ...endPads] },
  });
  if (after.every((a) => a === 0)) return dx;
  return b.op('Pad', [dx, b.constI64([0, 0, ...after.map(() => 0), 0, 0, ...after])], x.shape);
}

function convGrad({ b, node, ins, dys, endPadded }: RuleArgs): (T | undefined)[] {
  const [x, w, bias] = ins as [T, T, T | undefined];
  const kernel = intsAttr(node, 'kernel_shape');
  const strides = intsAttr(node, 'strides');
  const dil = intsAttr(node, 'dilations');
  const pads = intsAttr(node, 'pads');
  const r = kernel.length;
  // A gradient zero-padded at the ends (a floor-mode pool's dropped border) is used unpadded:
  // the zeros add nothing to dW or db, and the dx they would give is zero.
  const inner = endPadded.get(dys[0]!.name);
  const croppedDx = inner && convTransposeOfCropped(b, inner, w, x, kernel, strides, dil, pads);
  const dy = croppedDx ? inner : dys[0]!;
  const spatialIn = x.shape.slice(2) as number[];
  const outPad = spatialIn.map((h, i) => (h + pads[i] + pads[i + r] - dil[i] * (kernel[i] - 1) - 1) % strides[i]);
  const dx =
    croppedDx ??
    b.op('ConvTranspose', [dy, w], x.shape, {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      dilations: { ints: dil },
      pads: { ints: pads },
      output_padding: { ints: outPad },
    });
  const db = bias ? reduceSum(b, dy, [0, ...kernel.map((_, i) => i + 2)]) : undefined;
  const C = x.shape[1] as number;
  if (r === 2 && strides.every((st) => st === 1) && pads.every((p) => p === 0) && C * kernel[0] * kernel[1] <= 32) {
    return [dx, im2colWeightGrad(b, x, dy, kernel, dil), db];
  }
  // dW as a convolution of x with dy. Input rows the k × k result never reads (when the forward
  // conv dropped a remainder, or dy was cropped above) are sliced off first instead of computing
  // extra outputs and cropping them.
  const used = kernel.map((k, i) => dil[i] * (k - 1) + strides[i] * ((dy.shape[i + 2] as number) - 1) + 1);
  const keep = used.map((u, i) => Math.min(spatialIn[i], u - pads[i]));
  const trickPads = [
    ...pads.slice(0, r),
    ...used.map((u, i) => Math.max(0, Math.min(pads[i + r], u - pads[i] - spatialIn[i]))),
  ];
  const canCrop = keep.every((k) => k > 0);
  const xUsed =
    canCrop && keep.some((k, i) => k < spatialIn[i])
      ? slice(
          b,
          x,
          keep.map(() => 0),
          keep,
          keep.map((_, i) => i + 2),
        )
      : x;
  const xt = transpose(b, xUsed, [1, 0, 2, 3].slice(0, r + 2));
  const dyt = transpose(b, dy, [1, 0, 2, 3].slice(0, r + 2));
  const trick = conv(b, xt, dyt, undefined, {
    kernel: dy.shape.slice(2) as number[],
    strides: dil,
    dilations: strides,
    pads: canCrop ? trickPads : pads,
  });
  const full = trick.shape.slice(2) as number[];
  const cropped = full.some((d, i) => d !== kernel[i])
    ? slice(
        b,
        trick,
        kernel.map(() => 0),
        [...kernel],
        kernel.map((_, i) => i + 2),
      )
    : trick;
  const dw = transpose(b, cropped, [1, 0, 2, 3].slice(0, r + 2));
  return [dx, dw, db];
}

/**
 * dW of a stride-1, unpadded 2-d Conv with few input taps (C·kh·kw ≤ 32, e.g. a first layer on
 * images): the kh·kw shifted views of x, laid out [C·kh·kw, N·Ho·Wo], times dy as [O, N·Ho·Wo]
 * in one long Gemm. The dW convolution would instead run one im2col over the whole dy kernel.
 */
function im2colWeightGrad(b: GraphBuilder, x: T, dy: T, kernel: readonly number[], dil: readonly number[]): T {
  const [O, Ho, Wo] = [dy.shape[1], dy.shape[2], dy.shape[3]] as number[];
  const C = x.shape[1] as number;
  const xt = transpose(b, x, [1, 0, 2, 3]);
  const taps: T[] = [];
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const v = slice(b, xt, [i * dil[0], j * dil[1]], [i * dil[0] + Ho, j * dil[1] + Wo], [2, 3]);
      taps.push(reshape(b, v, [C, 1, 'batch']));
    }
  }
  const cols = reshape(b, concatOp(b, taps, 1), [C * kernel[0] * kernel[1], 'batch']);
  const dy2 = reshape(b, transpose(b, dy, [1, 0, 2, 3]), [O, 'batch']);
  const g = b.op('Gemm', [dy2, cols], [O, C * kernel[0] * kernel[1]], { transB: { i: 1 } });
  return reshape(b, g, [O, C, kernel[0], kernel[1]]);
}

function maxPoolGrad({ b, node, ins, outs, dys, producer, positiveOnly, endPadded }: RuleArgs): (T | undefined)[] {
  const x = ins[0];
  const y = outs[0];
  const dy = dys[0]!;
  const kernel = intsAttr(node, 'kernel_shape');
  const strides = intsAttr(node, 'strides');
  const pads = intsAttr(node, 'pads');
  const [H, W] = x.shape.slice(2) as number[];
  const [Ho, Wo] = y.shape.slice(2) as number[];
  const [kh, kw] = kernel as [number, number];
  if (kh === strides[0] && kw === strides[1] && pads.every((p) => p === 0)) {
    // Over a ReLU output, each window's gradient lands on an input equal to its maximum y, so
    // the ReLU's mask (input > 0) is y > 0: applied here to the pooled-size gradient, the ReLU
    // rule then passes the full-size gradient through.
    const overRelu = producer(x)?.opType === 'Relu';
    const { dx, unpadded } = windowMaxGrad(b, x, y, dy, kh, kw, Ho, Wo, H, W, overRelu);
    if (overRelu) positiveOnly.add(dx.name);
    if (unpadded) endPadded.set(dx.name, unpadded);
    return [dx];
  }
  // Overlapping or padded windows: route through MaxPool's flat indices, accumulating repeats.
  const [, idx] = b.opN('MaxPool', [x], [y.shape, y.shape], node.attrs, [x.dtype, 'int64']);
  const flatIdx = reshape(b, idx, ['batch']);
  const flatDy = reshape(b, dy, ['batch']);
  const zeros = reshape(b, zerosLike(b, x), ['batch']);
  const scattered = b.op('ScatterElements', [zeros, flatIdx, flatDy], ['batch'], {
    axis: { i: 0 },
    reduction: { s: 'add' },
  });
  return [reshape(b, scattered, x.shape)];
}

/**
 * MaxPool gradient for non-overlapping windows (stride = kernel, no padding), exact as PyTorch:
 * each window's gradient goes to its first maximum in row-major order. The kh·kw window positions
 * are taken as strided slices of shape [N, C, Ho, Wo] (which also drops the rows and columns a
 * floor-mode pool never reads), compared with the pooled maximum one by one while a running mask
 * excludes later ties, and interleaved back with two concats; the cropped border gets zeros.
 * Everything runs on pooled-size tensors: no broadcasting over a 6-d view, no MaxPool indices.
 */
function windowMaxGrad(
  b: GraphBuilder,
  x: T,
  y: T,
  dy: T,
  kh: number,
  kw: number,
  Ho: number,
  Wo: number,
  H: number,
  W: number,
  onlyPositive = false,
): { dx: T; unpadded?: T } {
  const [N, C] = x.shape;
  const part: SShape = [N, C, Ho, Wo];
  const zero = b.constF(0);
  const ends = [(Ho - 1) * kh + 1, (Wo - 1) * kw + 1];
  // `onlyPositive`: windows whose maximum is ≤ 0 pass no gradient (as if already taken).
  let taken: T | undefined = onlyPositive ? b.opNoGrad('LessOrEqual', [y, zero], part, {}, 'bool') : undefined;
  const rows: T[] = [];
  for (let i = 0; i < kh; i++) {
    const cols: T[] = [];
    for (let j = 0; j < kw; j++) {
      let first: T;
      if (i === kh - 1 && j === kw - 1 && taken) {
        // The window's maximum is somewhere: the last position gets it when no earlier one did.
        first = b.opNoGrad('Not', [taken], part, {}, 'bool');
      } else {
        const xs = b.opNoGrad(
          'Slice',
          [x, b.constI64([i, j]), b.constI64([i + ends[0], j + ends[1]]), b.constI64([2, 3]), b.constI64([kh, kw])],
          part,
        );
        const eq = compare(b, 'Equal', xs, y);
        first = taken ? b.opNoGrad('And', [eq, b.opNoGrad('Not', [taken], part, {}, 'bool')], part, {}, 'bool') : eq;
        taken = taken ? b.opNoGrad('Or', [taken, eq], part, {}, 'bool') : eq;
      }
      cols.push(reshape(b, where(b, first, dy, zero), [N, C, Ho, Wo, 1]));
    }
    rows.push(reshape(b, concatOp(b, cols, 4), [N, C, Ho, 1, Wo * kw]));
  }
  const g = reshape(b, concatOp(b, rows, 3), [N, C, Ho * kh, Wo * kw]);
  if (Ho * kh === H && Wo * kw === W) return { dx: g };
  const pads = [0, 0, 0, 0, 0, 0, H - Ho * kh, W - Wo * kw];
  return { dx: b.op('Pad', [g, b.constI64(pads)], x.shape), unpadded: g };
}

function avgPoolGrad({ b, node, ins, outs, dys }: RuleArgs): (T | undefined)[] {
  const x = ins[0];
  const dy = dys[0]!;
  const kernel = intsAttr(node, 'kernel_shape');
  const strides = intsAttr(node, 'strides');
  const pads = intsAttr(node, 'pads');
  const [H, W] = x.shape.slice(2) as [number, number];
  const [Ho, Wo] = outs[0].shape.slice(2) as [number, number];
  const C = x.shape[1] as number;
  // How many real (unpadded) inputs each window averaged.
  const counts = new Array<number>(Ho * Wo);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      const r0 = i * strides[0] - pads[0];
      const c0 = j * strides[1] - pads[1];
      const rows = Math.min(r0 + kernel[0], H) - Math.max(r0, 0);
      const cols = Math.min(c0 + kernel[1], W) - Math.max(c0, 0);
      counts[i * Wo + j] = 1 / (rows * cols);
    }
  }
  const scaled = mul(b, dy, b.constF(counts, [1, 1, Ho, Wo]));
  const ones = b.constF(new Array<number>(C * kernel[0] * kernel[1]).fill(1), [C, 1, kernel[0], kernel[1]]);
  const outPad = [H, W].map((h, i) => (h + pads[i] + pads[i + 2] - (kernel[i] - 1) - 1) % strides[i]);
  const dx = b.op('ConvTranspose', [scaled, ones], x.shape, {
    kernel_shape: { ints: kernel },
    strides: { ints: strides },
    pads: { ints: pads },
    group: { i: C },
    output_padding: { ints: outPad },
  });
  return [dx];
}

const rules: Record<string, Rule> = {
  Identity: ({ dys }) => [dys[0]],
  Add: ({ b, ins, dys }) => [unbroadcast(b, dys[0]!, ins[0].shape), unbroadcast(b, dys[0]!, ins[1].shape)],
  Sub: ({ b, ins, dys }) => [
    unbroadcast(b, dys[0]!, ins[0].shape),
    unbroadcast(b, unary(b, 'Neg', dys[0]!), ins[1].shape),
  ],
  Mul: ({ b, ins, dys }) => [
    unbroadcast(b, mul(b, dys[0]!, ins[1]), ins[0].shape),
    unbroadcast(b, mul(b, dys[0]!, ins[0]), ins[1].shape),
  ],
  Div: ({ b, ins, outs, dys }) => {
    const g = b.op('Div', [dys[0]!, ins[1]], outs[0].shape);
    return [unbroadcast(b, g, ins[0].shape), unbroadcast(b, unary(b, 'Neg', mul(b, g, outs[0])), ins[1].shape)];
  },
  Neg: ({ b, dys }) => [unary(b, 'Neg', dys[0]!)],
  Relu: ({ b, outs, dys, positiveOnly }) =>
    positiveOnly.has(dys[0]!.name)
      ? [dys[0]]
      : [where(b, compare(b, 'Greater', outs[0], b.constF(0)), dys[0]!, b.constF(0))],
  LeakyRelu: ({ b, node, ins, dys }) => [
    where(b, compare(b, 'Greater', ins[0], b.constF(0)), dys[0]!, scale(b, dys[0]!, floatAttr(node, 'alpha', 0.01))),
  ],
  Sigmoid: ({ b, outs, dys }) => {
    const y = outs[0];
    return [mul(b, dys[0]!, mul(b, y, sub(b, b.constF(1), y)))];
  },
  Tanh: ({ b, outs, dys }) => {
    const y = outs[0];
    return [mul(b, dys[0]!, sub(b, b.constF(1), mul(b, y, y)))];
  },
  Exp: ({ b, outs, dys }) => [mul(b, dys[0]!, outs[0])],
  Log: ({ b, ins, dys }) => [b.op('Div', [dys[0]!, ins[0]], ins[0].shape)],
  Sqrt: ({ b, outs, dys }) => [b.op('Div', [scale(b, dys[0]!, 0.5), outs[0]], outs[0].shape)],
  Reciprocal: ({ b, outs, dys }) => [unary(b, 'Neg', mul(b, dys[0]!, mul(b, outs[0], outs[0])))],
  Abs: ({ b, ins, dys }) => [mul(b, dys[0]!, b.opNoGrad('Sign', [ins[0]], ins[0].shape))],
  Erf: ({ b, ins, dys }) => {
    const x = ins[0];
    const e = unary(b, 'Exp', unary(b, 'Neg', mul(b, x, x)));
    return [mul(b, dys[0]!, scale(b, e, 2 / Math.sqrt(Math.PI)))];
  },
  MatMul: matmulGrad,
  Gemm: ({ node }) => {
    throw new Error(`autodiff: no rule for Gemm inside the forward graph (${node.name ?? ''})`);
  },
  Transpose: ({ b, node, dys }) => {
    const perm = intsAttr(node, 'perm');
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [transpose(b, dys[0]!, inv)];
  },
  Reshape: ({ b, ins, dys }) => [reshape(b, dys[0]!, ins[0].shape)],
  Expand: ({ b, ins, dys }) => [unbroadcast(b, dys[0]!, ins[0].shape)],
  ReduceSum: reduceGrad(false),
  ReduceMean: reduceGrad(true),
  ReduceMax: reduceMaxGrad,
  Softmax: ({ b, node, outs, dys }) => {
    const y = outs[0];
    const axis = intAttr(node, 'axis', -1);
    const s = reduceSum(b, mul(b, dys[0]!, y), [axis], true);
    return [mul(b, y, sub(b, dys[0]!, s))];
  },
  LogSoftmax: ({ b, node, outs, dys }) => {
    const axis = intAttr(node, 'axis', -1);
    const s = reduceSum(b, dys[0]!, [axis], true);
    return [sub(b, dys[0]!, mul(b, unary(b, 'Exp', outs[0]), s))];
  },
  Concat: ({ b, node, ins, dys }) => {
    const axis = intAttr(node, 'axis', 0);
    let at = 0;
    return ins.map((x) => {
      const d = x.shape[axis] as number;
      const part = slice(b, dys[0]!, [at], [at + d], [axis]);
      at += d;
      return part;
    });
  },
  Split: ({ b, node, outs, dys }) => {
    const axis = intAttr(node, 'axis', 0);
    return [
      concatOp(
        b,
        outs.map((o, i) => dys[i] ?? zerosLike(b, o)),
        axis,
      ),
    ];
  },
  Slice: ({ b, ins, dys }) => {
    const x = ins[0];
    const starts = constAxes(b, ins[1]);
    const axes = constAxes(b, ins[3]);
    const dy = dys[0]!;
    const pads = new Array<number>(x.shape.length * 2).fill(0);
    axes.forEach((ax, k) => {
      const a = ax < 0 ? ax + x.shape.length : ax;
      pads[a] = starts[k]!;
      pads[a + x.shape.length] = (x.shape[a] as number) - starts[k] - (dy.shape[a] as number);
    });
    return [b.op('Pad', [dy, b.constI64(pads)], x.shape)];
  },
  Gather: ({ b, node, ins, dys }) => {
    const [table, idx] = ins as [T, T];
    if (intAttr(node, 'axis', 0) !== 0 || table.shape.some((d) => d === 'batch')) {
      throw new Error('autodiff: Gather is differentiable only along axis 0 of a fixed-size table');
    }
    const rest = table.shape.slice(1);
    const flatIdx = reshape(b, idx, ['batch', 1]);
    const upd = reshape(b, dys[0]!, ['batch', ...rest]);
    const zeros = b.constF(
      new Array<number>(table.shape.reduce<number>((p, d) => p * (d as number), 1)).fill(0),
      table.shape as number[],
    );
    return [b.op('ScatterND', [zeros, flatIdx, upd], table.shape, { reduction: { s: 'add' } }), undefined];
  },
  Where: ({ b, ins, dys }) => {
    const [c, x, y] = ins as [T, T, T];
    const zero = b.constF(0);
    return [
      undefined,
      unbroadcast(b, where(b, c, dys[0]!, zero), x.shape),
      unbroadcast(b, where(b, c, zero, dys[0]!), y.shape),
    ];
  },
  Dropout: ({ b, node, ins, outs, dys }) => {
    const ratio = b.initializers.find((i) => i.name === ins[1].name)?.data[0] as number;
    void node;
    const g = where(b, outs[1], scale(b, dys[0]!, 1 / (1 - ratio)), b.constF(0));
    return [g];
  },
  Conv: convGrad,
  MaxPool: maxPoolGrad,
  AveragePool: avgPoolGrad,
};

/** Op types the autodiff can differentiate. */
export const differentiableOps: readonly string[] = Object.keys(rules);

/**
 * Emits the gradients of scalar `loss` with respect to each of `wrt` (tensors marked in
 * `b.needsGrad` before the forward pass was built). A parameter the loss does not reach gets zeros.
 */
export function gradients(b: GraphBuilder, loss: T, wrt: readonly T[]): T[] {
  if (loss.shape.length !== 0) throw new Error(`autodiff: loss must be a scalar, got ${formatShape(loss.shape)}`);
  const grads = new Map<string, T>([[loss.name, b.constF(1)]]);
  const end = b.tape.length;
  const producers = new Map<string, NodeData>();
  for (let k = 0; k < end; k++) for (const o of b.tape[k].outs) producers.set(o.name, b.tape[k].node);
  const producer = (t: T): NodeData | undefined => producers.get(t.name);
  const positiveOnly = new Set<string>();
  const endPadded = new Map<string, T>();
  for (let k = end - 1; k >= 0; k--) {
    const entry = b.tape[k];
    const dys = entry.outs.map((o) => grads.get(o.name));
    if (dys.every((d) => d === undefined)) continue;
    const rule = rules[entry.node.opType];
    if (!rule) throw new Error(`autodiff: no gradient rule for ${entry.node.opType}`);
    const filled = dys.map((d, i) => d ?? (i === 0 ? zerosLike(b, entry.outs[0]) : undefined));
    const dins = rule({
      b,
      node: entry.node,
      ins: entry.ins,
      outs: entry.outs,
      dys: filled,
      producer,
      positiveOnly,
      endPadded,
    });
    entry.ins.forEach((x, i) => {
      const d = dins[i];
      if (!d || !b.needsGrad.has(x.name)) return;
      const prev = grads.get(x.name);
      if (!prev) {
        grads.set(x.name, d);
        return;
      }
      const sum = add(b, prev, d);
      if (positiveOnly.has(prev.name) && positiveOnly.has(d.name)) positiveOnly.add(sum.name);
      grads.set(x.name, sum);
    });
  }
  return wrt.map((p) => grads.get(p.name) ?? zerosLike(b, p));
}
