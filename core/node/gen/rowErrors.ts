import type { LossKind } from '../../common/model';
import { reconstructionSum } from '../training/Validator';

/**
 * Each row's reconstruction error: the autoencoder's training loss between its output `out`
 * (probabilities for binary cross-entropy) and input `x`, summed over the row's values.
 */
export function rowErrors(out: Float32Array, x: Float32Array, n: number, loss: LossKind): Float32Array {
  const width = x.length / Math.max(n, 1);
  if (out.length !== x.length)
    throw new Error(`the reconstruction has ${out.length / Math.max(n, 1)} values per row, the input ${width}`);
  const errors = new Float32Array(n);
  for (let i = 0; i < n; i++)
    errors[i] = reconstructionSum(
      out.subarray(i * width, (i + 1) * width),
      x.subarray(i * width, (i + 1) * width),
      loss,
    );
  return errors;
}
