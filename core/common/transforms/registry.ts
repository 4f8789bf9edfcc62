import { impute } from './impute';
import { minmax } from './minmax';
import { onehot } from './onehot';
import { ordinal } from './ordinal';
import { standardize } from './standardize';
import { tokenize } from './tokenize';
import { tfidf } from './tfidf';
import type { TransformModule } from './TransformModule';

/** Every fitted transform kind, one module each. Adding a kind = one file + its entry here. */
export const transformModules = {
  impute,
  standardize,
  minmax,
  onehot,
  ordinal,
  tokenize,
  tfidf,
} as const satisfies { [K in string]: TransformModule<{ kind: K; column: string }, never> };

type Modules = typeof transformModules;
type FittedOf<M> = M extends TransformModule<infer F, infer _P> ? F : never;

/**
 * A fitted preprocessing step, kept so export can rebuild it inside the ONNX graph. Fitted on the
 * training split only. The union of the modules' fitted types.
 */
export type FittedTransform = { [K in keyof Modules]: FittedOf<Modules[K]> }[keyof Modules];

/** The module of a fitted transform, typed for generic use. */
export function moduleOf(t: FittedTransform): TransformModule<FittedTransform, unknown> {
  return transformModules[t.kind];
}
