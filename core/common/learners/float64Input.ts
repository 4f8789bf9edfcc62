import type { GraphBuilder, T } from '../model/graph/GraphBuilder';

/** The graph input `input` float32 `[batch, ...featureShape]`, flattened and cast to float64 `[batch, d]`. */
export function float64Input(b: GraphBuilder, featureShape: readonly number[]): T {
  const d = featureShape.reduce((a, c) => a * c, 1);
  let x = b.input('input', ['batch', ...featureShape], 'float32');
  if (featureShape.length > 1) x = b.op('Flatten', [x], ['batch', d], { axis: { i: 1 } });
  return b.op('Cast', [x], ['batch', d], { to: { i: 11 } }, 'float64');
}
