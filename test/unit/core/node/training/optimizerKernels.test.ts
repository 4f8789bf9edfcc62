import { describe, expect, it } from 'vitest';
import { instantiateKernels } from '../../../../../core/node/training/optimizerKernels';

describe('optimizer kernels (WebAssembly SIMD)', () => {
  it.each([false, true])('scale, axpy and Adam match the float64 formulas (shared memory: %s)', (shared) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, ...(shared ? { shared: true } : {}) });
    const k = instantiateKernels(memory, shared);
    const n = 1000;
    const f = new Float32Array(memory.buffer);
    const [P, G, M, V, S] = [0, 1024, 2048, 3072, 4096];
    for (let i = 0; i < n; i++) {
      f[P + i] = Math.sin(i);
      f[G + i] = Math.cos(i * 0.7) * 0.1;
      f[M + i] = 0.01 * Math.sin(i * 3);
      f[V + i] = 0.001 * (1 + Math.cos(i));
    }
    const [p0, g0, m0, v0] = [P, G, M, V].map((o) => f.slice(o, o + n));
    k.scale(4 * S, 4 * G, n, 0.5);
    k.axpy(4 * S, 4 * G, n, 0.25);
    for (let i = 0; i < n; i++) expect(f[S + i]).toBeCloseTo(0.75 * g0[i], 7);

    const [b1, b2, lr, eps, wd, t] = [0.9, 0.999, 1e-3, 1e-7, 0.01, 3];
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    k.adam(4 * P, 4 * G, 4 * M, 4 * V, n, b1, 1 - b1, b2, 1 - b2, lr / bc1, 1 / Math.sqrt(bc2), eps, 1 - lr * 0.5, wd);
    for (let i = 0; i < n; i++) {
      const g = g0[i] + wd * p0[i];
      const m = b1 * m0[i] + (1 - b1) * g;
      const v = b2 * v0[i] + (1 - b2) * g * g;
      const p = p0[i] * (1 - lr * 0.5) - (lr * (m / bc1)) / (Math.sqrt(v / bc2) + eps);
      expect(f[M + i]).toBeCloseTo(m, 7);
      expect(f[V + i]).toBeCloseTo(v, 8);
      expect(Math.abs(f[P + i] - p)).toBeLessThan(1e-6 * Math.max(1, Math.abs(p)));
    }
    expect(f[P + n]).toBe(0);
  });
});
