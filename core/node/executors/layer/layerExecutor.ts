import type { z } from 'zod';
import { ModelShapeError } from '../../../common/model/ir';
import type { ModelSpecValue } from '../../../common/model/ir';
import { appendLayer, isModelSpec } from '../../../common/model/specOps';
import type { layerNodes } from '../../../common/nodes/layer';
import type { AnyLayerModule, LayerModule } from '../../../common/nodes/layer/defineLayer';
import type { Executor } from '../Executor';
import { UserError } from '../Executor';

function specInput(v: unknown, port: string, nodeId: string): ModelSpecValue | undefined {
  if (v === undefined) return undefined;
  if (!isModelSpec(v))
    throw new UserError(`Layer ${nodeId}: input "${port}" is not a model spec; connect a layer or model node`, 1);
  return v;
}

/** The executor of a `layer.*` node: appends its layer (named by the node id) to the incoming spec. */
export function layerExecutor<L extends { kind: string }, P extends z.ZodType>(
  def: LayerModule<L, P>,
): Executor<z.output<P>> {
  return async ({ inputs, params, nodeId }) => {
    const ins = def.binary
      ? [specInput(inputs.a, 'a', nodeId), specInput(inputs.b, 'b', nodeId)]
      : [specInput(inputs.in, 'in', nodeId)];
    try {
      const layer = def.toLayer(params) as unknown as ModelSpecValue['nodes'][number]['layer'];
      return { outputs: { model: appendLayer(def.binary || ins[0] ? ins : [], nodeId, layer) } };
    } catch (e) {
      if (e instanceof ModelShapeError) throw new UserError(e.message, 1);
      throw e;
    }
  };
}

type LayerExecutors = { [K in keyof typeof layerNodes]: Executor<z.output<(typeof layerNodes)[K]['params']>> };

/** One executor per entry of the layer table, keyed the same way. */
export function layerExecutors(table: typeof layerNodes): LayerExecutors {
  const entries = Object.entries(table).map(([type, def]: [string, AnyLayerModule]) => [type, layerExecutor(def)]);
  return Object.fromEntries(entries) as LayerExecutors;
}
