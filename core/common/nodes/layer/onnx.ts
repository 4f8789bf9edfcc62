import { z } from 'zod';
import { ModelShapeError } from '../../model/ir';
import type { Backbone } from '../../model/onnx/backbone';
import type { PortType } from '../../ports';
import { defineNode } from '../NodeDefinition';
import type { LayerModule } from './defineLayer';
import { backboneParams, emitBackbone, opWithoutRule } from './backboneEmit';
import { parseShape } from './input';
import { fmt } from './layerOps';

const trainableChoice = z.enum(['frozen', 'fine-tune']);

const spec = z.object({
  kind: z.literal('onnx'),
  /** `frozen`: the backbone's initialisers are constants; `fine-tune`: its float initialisers train. */
  trainable: trainableChoice,
  /** Fine-tune: the ops up to and including the one making this tensor keep their weights. */
  freeze: z.string().optional(),
  /** The declared per-sample shape of the cut tensor (design-time checks); checked against the file. */
  shape: z.array(z.number().int().min(1)).optional(),
  /** The backbone read from the file; the node's executor fills it in. */
  backbone: z.custom<Backbone>().optional(),
});

type OnnxLayer = z.output<typeof spec>;

export const onnxLayerParams = z.object({
  path: z
    .string()
    .default('')
    .describe('ONNX model file used as the backbone, relative to the pipeline file; unused when source is connected')
    .meta({ widget: 'file', extensions: ['.onnx'] }),
  cut: z
    .string()
    .default('')
    .describe(
      "Tensor the backbone ends at (the node's summary lists them with shapes); empty = the model's first output",
    ),
  trainable: trainableChoice
    .default('frozen')
    .describe("frozen keeps the backbone's weights fixed; fine-tune trains them with the head"),
  freeze: z
    .string()
    .default('')
    .describe('Fine-tune: keep the weights fixed up to and including the op that makes this tensor; empty trains all')
    .meta({ showIf: { trainable: ['fine-tune'] } }),
  shape: z
    .string()
    .default('')
    .describe(
      'Per-sample shape of the cut tensor, e.g. 32,5,5 (from the summary); lets the next layers check shapes before running',
    ),
});

type ModelPort = Extract<PortType, { kind: 'ModelSpec' }>;

/**
 * `layer.onnx`: part of any ONNX model (its input up to the `cut` tensor) as a layer, frozen or
 * fine-tuned. Its executor reads the file and embeds the backbone in the IR layer.
 */
export const onnxLayerNode: LayerModule<OnnxLayer, typeof onnxLayerParams> & { type: 'layer.onnx'; spec: typeof spec } =
  {
    ...defineNode({
      type: 'layer.onnx',
      version: 1,
      title: 'ONNX Backbone',
      category: 'Layers',
      keywords: ['transfer learning', 'pretrained', 'fine-tune', 'feature extractor'],
      doc:
        'A pretrained ONNX model, from its input up to a chosen tensor, as the first layers of a model (transfer learning). ' +
        'Frozen: its weights stay as they are and only the layers after it train. Fine-tune: its float weights train too, ' +
        'for operators the autodiff has gradient rules for. The exported model contains backbone and head in one file. ' +
        'The backbone is the ONNX file at path, or the trained model connected to source.',
      inputs: [
        {
          name: 'in',
          type: { kind: 'ModelSpec' as const },
          optional: true,
          doc: 'Previous layer; unconnected = the model input',
        },
        {
          name: 'source',
          type: { kind: 'TrainedModel' as const },
          optional: true,
          doc: 'A trained model to use as the backbone instead of the file',
        },
      ],
      outputs: [{ name: 'model', type: { kind: 'ModelSpec' } }],
      params: onnxLayerParams,
      fingerprint: (p) => (p.path ? [p.path] : []),
      inferOutputs: ({ params, inputs }) => {
        const shape = parseShape(params.shape);
        if (shape.some((d) => !Number.isInteger(d) || d < 1))
          return { error: `Cut shape "${params.shape}" must be positive integers separated by commas` };
        const from = inputs.in as ModelPort | undefined;
        const model: ModelPort = {
          kind: 'ModelSpec',
          ...(from?.inputShape ? { inputShape: from.inputShape } : {}),
          ...(shape.length ? { outputShape: ['batch', ...shape] } : {}),
        };
        return { outputs: { model } };
      },
    }),
    type: 'layer.onnx',
    kind: 'onnx',
    spec,
    binary: false,
    toLayer: (p) => {
      const shape = parseShape(p.shape);
      return {
        kind: 'onnx',
        trainable: p.trainable,
        ...(p.trainable === 'fine-tune' && p.freeze ? { freeze: p.freeze } : {}),
        ...(shape.length ? { shape } : {}),
      };
    },
    infer: ({ id, layer, x, fail }) => {
      const bb = layer.backbone;
      if (!bb) return fail('its backbone file read first (run the layer.onnx node)');
      if (fmt(x) !== fmt(bb.inputShape))
        fail(`${fmt(bb.inputShape)}, the input of backbone ${bb.source} (input ${bb.inputName})`);
      const cut = bb.shapes[bb.cut] ?? [];
      if (cut[0] !== 'batch' || cut.slice(1).some((d) => typeof d !== 'number'))
        fail(`a cut tensor with the batch axis first; ${bb.cut} has shape [${cut.join(', ')}], cut at another tensor`);
      const outShape = cut.slice(1) as number[];
      if (layer.shape && fmt(layer.shape) !== fmt(outShape))
        throw new ModelShapeError(
          `Layer "${id}" (onnx): the shape param says ${fmt(layer.shape)} but the cut tensor ${bb.cut} is ${fmt(outShape)}; set shape to ${outShape.join(',')} or leave it empty`,
          id,
        );
      if (layer.trainable === 'fine-tune') {
        if (layer.freeze && !(layer.freeze in bb.shapes))
          throw new ModelShapeError(
            `Layer "${id}" (onnx): freeze names "${layer.freeze}", which is not a tensor of the backbone up to ${bb.cut}; it has ${Object.keys(bb.shapes).slice(-12).join(', ')}`,
            id,
          );
        const blocked = opWithoutRule(bb, layer.freeze);
        if (blocked) {
          const { node: op, why } = blocked;
          fail(
            `ops it can differentiate to fine-tune: ${why} (op ${op.name || op.outputs[0]}); set freeze to ${op.outputs[0]} to keep the backbone fixed up to that op, set trainable to frozen, or cut at a tensor before ${op.outputs[0]}`,
          );
        }
      }
      return {
        outShape,
        params: layer.trainable === 'fine-tune' ? backboneParams(id, bb, layer.freeze) : [],
        buffers: [],
      };
    },
    emit: ({ ctx, node, layer, x }) =>
      emitBackbone(
        ctx.b,
        node.id,
        layer.backbone!,
        x,
        layer.trainable === 'fine-tune' ? ctx.param : undefined,
        layer.freeze,
      ),
  };
