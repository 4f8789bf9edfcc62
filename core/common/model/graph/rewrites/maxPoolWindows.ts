import type { NodeData } from '../../onnx/encodeModel';
import type { GraphBuilder, SShape, T } from '../GraphBuilder';
import { compare, concat, reshape, where } from '../ops';
import { intsAttr } from '../rules/Rule';
import type { Rewrite, Step } from './Step';

/** A 2-d MaxPool whose windows tile the input (stride = kernel, no padding): its kernel. */
export function tiledKernel(node: NodeData): [number, number] | undefined {
  if (node.opType !== 'MaxPool') return undefined;
  const k = intsAttr(node, 'kernel_shape');
  const s = intsAttr(node, 'strides');
  if (k.length !== 2 || k.some((v, i) => v !== s[i]) || intsAttr(node, 'pads').some((p) => p !== 0)) return undefined;
  return [k[0], k[1]];
}

/**
 * Gradient of a tiled MaxPool over the input rows and columns its windows read (a floor-mode
 * pool drops the rest), exact as PyTorch: each window's gradient goes to its first maximum in
 * row-major order. The kh·kw window positions are strided slices of shape [N, C, Ho, Wo],
 * compared with the pooled maximum one by one while a running mask excludes later ties, and
 * interleaved back with two concats. With `onlyPositive`, windows whose maximum is ≤ 0 pass none.
 */
export function windowMaxGrad(b: GraphBuilder, x: T, y: T, dy: T, k: [number, number], onlyPositive: boolean): T {
  const [kh, kw] = k;
  const [N, C] = x.shape;
  const [Ho, Wo] = y.shape.slice(2) as number[];
  const part: SShape = [N, C, Ho, Wo];
  const zero = b.constF(0);
  const ends = [(Ho - 1) * kh + 1, (Wo - 1) * kw + 1];
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
    rows.push(reshape(b, concat(b, cols, 4), [N, C, Ho, 1, Wo * kw]));
  }
  return reshape(b, concat(b, rows, 3), [N, C, Ho * kh, Wo * kw]);
}

/** `g` zero-padded at the ends of the spatial axes to `x`'s shape. */
export function padToInput(b: GraphBuilder, g: T, x: T): T {
  const [h, w] = g.shape.slice(2) as number[];
  const [H, W] = x.shape.slice(2) as number[];
  if (h === H && w === W) return g;
  return b.op('Pad', [g, b.constI64([0, 0, 0, 0, 0, 0, H - h, W - w])], x.shape);
}

/** Whether a tiled pool's windows leave rows or columns of its input unread. */
export function leavesBorder(x: T, y: T, k: [number, number]): boolean {
  return (
    (y.shape[2] as number) * k[0] < (x.shape[2] as number) || (y.shape[3] as number) * k[1] < (x.shape[3] as number)
  );
}

/**
 * Tiled MaxPool (stride = kernel, no padding): route each window's gradient with strided slices
 * on pooled-size tensors instead of MaxPool's Indices output (which moves onnxruntime's MaxPool
 * off its fast path) and a scatter.
 *
 * Measured slower on the bench CNN step (onnxruntime 1.30, 1 thread, CPU ms per step, same
 * gradients): Indices + ScatterElements 1.26×; Resize-up of the max, a rank map and a MaxPool of
 * it for first-max ties 1.17×; SpaceToDepth/DepthToSpace instead of slices and concats 1.19×; a
 * window-major Transpose 1.63×; a [N, C, Ho, kh, Wo, kw] view with broadcast Equal, Where and
 * ReduceMax 3.5× (onnxruntime broadcasts a size-1 innermost axis element by element). Float
 * Where chains instead of the boolean mask ops, or Mul by the cast mask instead of Where: no
 * measurable change.
 */
export const maxPoolWindows: Rewrite = (steps) =>
  steps.map((s): Step => {
    const k = s.rewrite ? undefined : tiledKernel(s.node);
    if (!k) return s;
    const [x] = s.ins;
    const [y] = s.outs;
    return {
      ...s,
      rewrite: 'maxPoolWindows',
      backward: (b, dys) => [padToInput(b, windowMaxGrad(b, x, y, dys[0]!, k, false), x)],
      ...(leavesBorder(x, y, k)
        ? { leadingGrad: (b: GraphBuilder, dy: T) => windowMaxGrad(b, x, y, dy, k, false) }
        : {}),
    };
  });
