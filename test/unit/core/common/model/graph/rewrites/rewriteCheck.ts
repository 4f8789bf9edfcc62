import { describe, expect, it } from 'vitest';
import type { RewriteName, RewriteOptions } from '../../../../../../../core/common/model/graph/rewrites/rewrites';
import { noRewrites } from '../../../../../../../core/common/model/graph/rewrites/rewrites';
import type { GraphCase } from '../ruleCheck';
import { checkGradients, evaluate, rewritesApplied } from '../ruleCheck';

export interface RewriteCase extends GraphCase {
  name: string;
  /** Whether the rewrite applies to this graph. */
  fires: boolean;
  /** Other rewrites it builds on, on in both runs. */
  with?: RewriteName[];
  /** The element type the case runs in (float32 where onnxruntime lacks float64 kernels, e.g. Conv). */
  dtype: 'float32' | 'float64';
}

/**
 * For each case: the rewrite fires exactly where it should, its gradients pass central finite
 * differences, and they equal the gradients with the rewrite off on the same inputs (to rounding).
 */
export function describeRewrite(rewrite: RewriteName, cases: readonly RewriteCase[]): void {
  describe(`rewrite ${rewrite}`, () => {
    for (const c of cases) {
      const on: RewriteOptions = { ...noRewrites, ...Object.fromEntries((c.with ?? []).map((n) => [n, true])) };
      on[rewrite] = true;
      const off: RewriteOptions = { ...on, [rewrite]: false };
      it(`${c.name}: ${c.fires ? 'fires' : 'does not fire'}`, () => {
        expect(rewritesApplied(c, on).includes(rewrite)).toBe(c.fires);
        expect(rewritesApplied(c, off).includes(rewrite)).toBe(false);
      });
      it(`${c.name}: finite differences`, async () => {
        const res = await checkGradients(c, on);
        expect(res.dtype).toBe(c.dtype);
        expect(res.worst, `${res.dtype}, ${res.checked} elements, worst abs ${res.worstAbs}`).toBeLessThan(1);
      });
      it(`${c.name}: same gradients as with the rewrite off`, async () => {
        const [a, p] = [await evaluate(c, c.dtype, on), await evaluate(c, c.dtype, off)];
        const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
        expect(a.grads.length).toBe(p.grads.length);
        a.grads.forEach((g, k) => {
          expect(g.length).toBe(p.grads[k].length);
          const worst = Math.max(...g.map((v, i) => Math.abs(v - p.grads[k][i]) / (1 + Math.abs(p.grads[k][i]))));
          expect(worst, `input ${k}`).toBeLessThanOrEqual(tol);
        });
      });
    }
  });
}
