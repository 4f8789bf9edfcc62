import { inferWith, type LayerShapes } from '../../nodes/layer/defineLayer';
import { layerModule } from '../../nodes/layer';
import type { LayerSpec } from '../ir';

export { fmt } from '../../nodes/layer/layerOps';

/**
 * Output shape, parameters and buffers of one layer, by its module's shape rule. Throws a
 * ModelShapeError naming the layer, the shape it got and the shape it needs.
 */
export function inferLayer(
  id: string,
  layer: LayerSpec,
  inShapes: readonly (readonly number[])[],
  outputUnits?: number,
): LayerShapes {
  return inferWith(layerModule(layer.kind, id), id, layer, inShapes, outputUnits);
}
