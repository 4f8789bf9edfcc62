import type { z } from 'zod';
import type { T } from '../../model/graph/GraphBuilder';
import type { BufferSpec, ParamSpec, ResolvedNode } from '../../model/ir';
import { ModelShapeError } from '../../model/ir';
import type { EmitContext } from '../../model/layers/emitLayers';
import type { Dim, PortType } from '../../ports';
import type { InferResult, NodeDefinition } from '../NodeDefinition';
import { defineNode } from '../NodeDefinition';
import { fmt } from './layerOps';
import type { TfjsConverter } from './tfjsExport';

/** Per-sample output shape, parameters and buffers of one layer. */
export interface LayerShapes {
  outShape: number[];
  params: ParamSpec[];
  buffers: BufferSpec[];
}

/** What a layer's shape rule gets. */
export interface InferArgs<L> {
  id: string;
  layer: L;
  /** Per-sample input shapes, one per model input of the layer. */
  inShapes: readonly (readonly number[])[];
  /** `inShapes[0]`. */
  x: readonly number[];
  /** The dataset's output size (classes or targets); undefined at design time. */
  outputUnits: number | undefined;
  /** Throws a ModelShapeError naming the layer, the shapes it got and `need`. */
  fail(need: string): never;
}

/** What a layer's ONNX emitter gets. */
export interface EmitArgs<L> {
  ctx: EmitContext;
  node: Omit<ResolvedNode, 'layer'>;
  layer: L;
  /** Input tensors `[batch, ...inShape]`, one per model input of the layer. */
  xs: readonly T[];
  /** `xs[0]`. */
  x: T;
  /** 1-based position of the layer in the model (salts dropout seeds). */
  index: number;
  /** The layer's parameter `${id}/${role}`. */
  p(role: string): T;
}

/**
 * One layer kind: the canvas node `layer.<kind>` (zod params, ports, docs, design-time shapes) and
 * the model compiler's rules for it (the IR schema, shape inference, ONNX emission).
 */
export interface LayerModule<
  L extends { kind: string } = { kind: string },
  P extends z.ZodType = z.ZodType,
> extends NodeDefinition<P> {
  kind: L['kind'];
  /** The IR layer (`LayerSpec` member) as a zod schema; the IR type is inferred from it. */
  spec: z.ZodType;
  /** Two model inputs (`a`, `b`) instead of one (`in`). */
  binary: boolean;
  /** The IR layer the node's params describe; the executor appends it to the incoming spec. */
  toLayer(params: z.output<P>): L;
  /** Output shape, parameters and buffers; calls `fail` on an input it cannot take. */
  infer(a: InferArgs<L>): LayerShapes;
  /** Emits the forward pass into `a.ctx.b` and returns the output `[batch, ...outShape]`. */
  emit(a: EmitArgs<L>): T;
  /** The output's last axis is sized from the dataset (Dense `units: 'auto'`): unknown at design time. */
  openUnits?(layer: L): boolean;
  /** TF.js export: the TF.js layers for the ONNX ops this layer emits. */
  tfjs?: TfjsConverter;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLayerModule = LayerModule<any, any>;

/** Runs a layer's shape rule with the standard error for a shape it cannot take. */
export function inferWith<L extends { kind: string }>(
  m: { infer(a: InferArgs<L>): LayerShapes },
  id: string,
  layer: L,
  inShapes: readonly (readonly number[])[],
  outputUnits?: number,
): LayerShapes {
  const fail = (need: string): never => {
    throw new ModelShapeError(
      `Layer "${id}" (${layer.kind}) got input ${inShapes.map(fmt).join(' and ')} but needs ${need}`,
      id,
    );
  };
  return m.infer({ id, layer, inShapes, x: inShapes[0] ?? [], outputUnits, fail });
}

type ModelPort = Extract<PortType, { kind: 'ModelSpec' }>;

const concrete = (shape: readonly Dim[] | undefined): number[] | undefined =>
  shape && shape.slice(1).every((d) => typeof d === 'number') ? (shape.slice(1) as number[]) : undefined;

/**
 * Design-time inference for a layer node: the output ModelSpec type from the input types. Where
 * the input shape is known it runs the layer's shape rule and reports a mismatch naming the layer.
 */
function inferPort<L extends { kind: string }>(
  m: { title: string; infer(a: InferArgs<L>): LayerShapes; openUnits?(layer: L): boolean },
  layer: L,
  inputs: readonly (PortType | undefined)[],
): InferResult {
  const ports = inputs.map((p) => p as ModelPort | undefined);
  const inputShape = ports.find((p) => p?.inputShape)?.inputShape;
  const shapes = ports.map((p) => concrete(p ? p.outputShape : inputShape));
  const model: ModelPort = { kind: 'ModelSpec', ...(inputShape ? { inputShape } : {}) };
  if (shapes.every((s) => s)) {
    if (m.openUnits?.(layer)) model.outputShape = ['batch', ...shapes[0]!.slice(0, -1), null];
    else {
      try {
        model.outputShape = ['batch', ...inferWith(m, m.title, layer, shapes as number[][]).outShape];
      } catch (e) {
        if (e instanceof ModelShapeError) return { error: e.message };
        throw e;
      }
    }
  }
  return { outputs: { model } };
}

/**
 * Defines a layer kind and its canvas node `layer.<kind>`: ModelSpec in (`in`, or `a` and `b` for
 * merges), ModelSpec out (`model`). An unconnected `in` means the layer reads the model input.
 */
export function defineLayer<K extends string, S extends z.ZodType<{ kind: K }>, P extends z.ZodType>(o: {
  kind: K;
  title: string;
  doc: string;
  spec: S;
  params: P;
  /** The node type's version; bump it with a migration when `params` change shape. @default 1 */
  version?: number;
  migrations?: NodeDefinition<P>['migrations'];
  binary?: boolean;
  toLayer(params: z.output<P>): z.output<S>;
  infer(a: InferArgs<z.output<S>>): LayerShapes;
  emit(a: EmitArgs<z.output<S>>): T;
  openUnits?(layer: z.output<S>): boolean;
  tfjs?: TfjsConverter;
}): LayerModule<z.output<S>, P> & { type: `layer.${K}`; spec: S } {
  const binary = o.binary ?? false;
  const inputs = binary
    ? [
        { name: 'a', type: { kind: 'ModelSpec' as const } },
        { name: 'b', type: { kind: 'ModelSpec' as const } },
      ]
    : [
        {
          name: 'in',
          type: { kind: 'ModelSpec' as const },
          optional: true,
          doc: 'Previous layer; unconnected = the model input',
        },
      ];
  const m = {
    ...defineNode({
      type: `layer.${o.kind}`,
      version: o.version ?? 1,
      ...(o.migrations ? { migrations: o.migrations } : {}),
      title: o.title,
      category: 'Layers',
      doc: o.doc,
      inputs,
      outputs: [{ name: 'model', type: { kind: 'ModelSpec' } }],
      params: o.params,
      inferOutputs: ({ params, inputs: types }) =>
        inferPort(o, o.toLayer(params), binary ? [types.a, types.b] : [types.in]),
    }),
    type: `layer.${o.kind}` as const,
    kind: o.kind,
    spec: o.spec,
    binary,
    toLayer: o.toLayer,
    infer: o.infer,
    emit: o.emit,
    ...(o.openUnits ? { openUnits: o.openUnits } : {}),
    ...(o.tfjs ? { tfjs: o.tfjs } : {}),
  };
  return m;
}
