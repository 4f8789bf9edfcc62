import type { GraphBuilder } from '../GraphBuilder';
import { convTapsDw } from './convTapsDw';
import { croppedPoolConv } from './croppedPoolConv';
import { maxPoolWindows } from './maxPoolWindows';
import { reluPoolMask } from './reluPoolMask';
import type { Rewrite, Step } from './Step';

/**
 * The rewrites of the reverse pass, applied in this order (a later one may group steps an
 * earlier one made). Each gives the same gradients as the plain rules, within float rounding, as
 * its describeRewrite test under test/unit/core/common/model/graph/rewrites checks.
 */
const rewrites = {
  convTapsDw,
  maxPoolWindows,
  reluPoolMask,
  croppedPoolConv,
} as const satisfies Record<string, Rewrite>;

export type RewriteName = keyof typeof rewrites;

/** Which rewrites run; each is on unless set to false. */
export type RewriteOptions = Partial<Record<RewriteName, boolean>>;

/** Every rewrite off: the plain rule of each op. */
export const noRewrites: Required<RewriteOptions> = {
  convTapsDw: false,
  maxPoolWindows: false,
  reluPoolMask: false,
  croppedPoolConv: false,
};

export function applyRewrites(steps: readonly Step[], b: GraphBuilder, options: RewriteOptions = {}): Step[] {
  let out = [...steps];
  for (const [name, rewrite] of Object.entries(rewrites) as [RewriteName, Rewrite][]) {
    if (options[name] !== false) out = rewrite(out, b);
  }
  return out;
}
