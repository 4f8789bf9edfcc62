import type { OptimizerConfig } from '../../common/model';
import { instantiateKernels, type OptimizerKernels } from './optimizerKernels';

/**
 * Adam / AdamW applied outside the step graph, by the SIMD kernel, for a one-session trainer whose
 * graph stops at the gradient. The parameters live in WebAssembly memory (a plain ArrayBuffer, so
 * onnxruntime reads them in place). `emitUpdate`'s 13 element-wise graph ops over the flat vectors
 * cost about a third of the bench MLP's step; the fused kernel is one pass.
 */
export class HostAdam {
  /** The current parameters, fed to the gradient graph each step. */
  readonly params: Float32Array;
  private readonly grads: Float32Array;
  private readonly kernels: OptimizerKernels;
  private readonly padded: number;

  constructor(
    init: Float32Array,
    private readonly cfg: OptimizerConfig,
    private readonly weightDecay: number,
    private readonly clipNorm: number,
  ) {
    const P = init.length;
    this.padded = 4 * Math.ceil(P / 4);
    const pages = Math.max(1, Math.ceil((16 * this.padded) / 65536));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.kernels = instantiateKernels(memory, false);
    this.params = new Float32Array(memory.buffer, 0, P);
    this.params.set(init);
    this.grads = new Float32Array(memory.buffer, 4 * this.padded, P);
  }

  /** Whether this optimizer can be applied here (Adam and AdamW). */
  static handles(cfg: OptimizerConfig): boolean {
    return cfg.kind === 'adam' || cfg.kind === 'adamw';
  }

  /** One update with the batch's gradient and the step's `lr`, `bc1` = 1 − β₁ᵗ, `bc2` = 1 − β₂ᵗ. */
  apply(grads: Float32Array, lr: number, bc1: number, bc2: number): void {
    this.grads.set(grads);
    if (this.clipNorm > 0) {
      let sq = 0;
      for (let i = 0; i < grads.length; i++) sq += grads[i] * grads[i];
      const coef = Math.min(this.clipNorm / (Math.sqrt(sq) + 1e-6), 1);
      if (coef < 1) for (let i = 0; i < grads.length; i++) this.grads[i] *= coef;
    }
    const b1 = this.cfg.beta1 ?? 0.9;
    const b2 = this.cfg.beta2 ?? 0.999;
    const decoupled = this.cfg.kind === 'adamw';
    const wd = this.weightDecay;
    const P4 = this.padded;
    this.kernels.adam(
      0,
      4 * P4,
      8 * P4,
      12 * P4,
      P4,
      b1,
      1 - b1,
      b2,
      1 - b2,
      lr / bc1,
      1 / Math.sqrt(bc2),
      this.cfg.epsilon ?? 1e-7,
      decoupled && wd ? 1 - lr * wd : 1,
      decoupled ? 0 : wd,
    );
  }
}
