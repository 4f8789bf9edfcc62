import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { TrainedModelValue } from '../../../common';
import { ModelShapeError, type LayerSpec } from '../../../common/model/ir';
import { BackboneError, cutBackbone } from '../../../common/model/onnx/backbone';
import { decodeModel } from '../../../common/model/onnx/decodeModel';
import type { ModelData } from '../../../common/model/onnx/encodeModel';
import { appendLayer, isModelSpec } from '../../../common/model/specOps';
import { onnxLayerNode, type onnxLayerParams } from '../../../common/nodes/layer/onnx';
import { measureShapes, withShapes } from '../../onnx/backboneShapes';
import { resolveParamPath, UserError, type Executor } from '../Executor';

const shapeText = (s: readonly (number | string)[]): string => `[${s.join(', ')}]`;

/**
 * `layer.onnx`: reads the ONNX file, cuts it at the chosen tensor, measures every tensor's shape,
 * and appends the backbone (ops, initialisers, shapes) to the incoming model spec. The summary
 * lists the tensors it can be cut at, with their shapes.
 */
export const onnxLayerExecutor: Executor<z.output<typeof onnxLayerParams>> = async (ctx) => {
  const where = `layer.onnx (${ctx.nodeId})`;
  const { params } = ctx;
  const source = ctx.inputs.source as TrainedModelValue | undefined;
  if (!params.path && !source)
    throw new UserError(
      `${where}: no backbone; set the path parameter to an .onnx file or connect a trained model to source`,
      1,
    );
  const incoming = ctx.inputs.in;
  if (incoming !== undefined && !isModelSpec(incoming))
    throw new UserError(`Layer ${ctx.nodeId}: input "in" is not a model spec; connect a layer or model node`, 1);
  const file = source ? 'the trained model on source' : resolveParamPath(ctx, params.path, 'read');
  let model: ModelData;
  try {
    model = decodeModel(source ? source.onnx : new Uint8Array(await readFile(file)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code
          ? (e as Error).message
          : `not a readable ONNX model (${(e as Error).message})`;
    throw new UserError(`${where}: ${file}: ${why}`, 1);
  }
  try {
    const graph = cutBackbone(model, params.cut, file);
    let measured;
    try {
      measured = await measureShapes(model, graph);
    } catch (e) {
      throw new BackboneError(`${file}: onnxruntime could not run it to measure its shapes: ${(e as Error).message}`);
    }
    const backbone = withShapes(graph, measured);
    const layer = { ...onnxLayerNode.toLayer(params), backbone } as LayerSpec;
    const spec = appendLayer(incoming ? [incoming] : [], ctx.nodeId, layer);
    const listed = Object.entries(measured.shapes).map(([name, s]) => `${name} ${shapeText(s)}`);
    const weights = backbone.initializers.reduce((a, t) => a + t.dims.reduce((x, y) => x * y, 1), 0);
    const text = [
      `backbone ${file}: input ${graph.inputName} ${shapeText(['batch', ...graph.inputShape])}, cut at ${graph.cut} ${shapeText(backbone.shapes[graph.cut] ?? [])}`,
      `${backbone.nodes.length} ops, ${weights} weights, ${params.trainable}`,
      `tensors: ${listed.join('; ')}`,
    ].join('\n');
    return { outputs: { model: spec }, summary: { text, ...(source ? {} : { files: [file] }) } };
  } catch (e) {
    if (e instanceof BackboneError || e instanceof ModelShapeError) throw new UserError(`${where}: ${e.message}`, 1);
    throw e;
  }
};
