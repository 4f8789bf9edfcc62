import type { z } from 'zod';
import { ModelShapeError } from '../../../common/model/ir';
import type { ModelSpecValue } from '../../../common/model/ir';
import { appendLayer, isModelSpec } from '../../../common/model/specOps';
import type { LayerNodeDefinition } from '../../../common/nodes/layers/defineLayerNode';
import type { inputLayerParams } from '../../../common/nodes/layers/input';
import { inputSpec } from '../../../common/nodes/layers/input';
import type { Executor } from '../Executor';
import { UserError } from '../Executor';

function specInput(v: unknown, port: string, nodeId: string): ModelSpecValue | undefined {
  if (v === undefined) return undefined;
  if (!isModelSpec(v))
    throw new UserError(`Layer ${nodeId}: input "${port}" is not a model spec; connect a layer or model node`, 1);
  return v;
}

/** The executor of a `layer.*` node: appends its layer (named by the node id) to the incoming spec. */
export function layerExecutor<S extends z.ZodType>(def: LayerNodeDefinition<S>): Executor<z.output<S>> {
  return async ({ inputs, params, nodeId }) => {
    const ins = def.binary
      ? [specInput(inputs.a, 'a', nodeId), specInput(inputs.b, 'b', nodeId)]
      : [specInput(inputs.in, 'in', nodeId)];
    try {
      return { outputs: { model: appendLayer(def.binary || ins[0] ? ins : [], nodeId, def.toLayer(params)) } };
    } catch (e) {
      if (e instanceof ModelShapeError) throw new UserError(e.message, 1);
      throw e;
    }
  };
}

export const inputLayerExecutor: Executor<z.output<typeof inputLayerParams>> = async ({ params }) => ({
  outputs: { model: inputSpec(params) },
});
