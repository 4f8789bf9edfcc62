import type { SDim } from '../graph/GraphBuilder';
import type { DataType, ModelData, NodeData, TensorData } from './encodeModel';
import { OPSET } from './encodeModel';

/** The part of an ONNX graph from its input to one tensor (the cut), as a model layer embeds it. */
export interface Backbone {
  /** The file it came from (for messages). */
  source: string;
  inputName: string;
  /** Per-sample input shape (the batch axis dropped). */
  inputShape: number[];
  /** The tensor the backbone ends at. */
  cut: string;
  /** The ops that compute `cut`, in graph order; `Constant` ops are folded into `initializers`. */
  nodes: NodeData[];
  /** The initializers those ops read. */
  initializers: TensorData[];
  /** Shape of every op output with `'batch'` on the batch axis (measured by a shape pass). */
  shapes: Record<string, SDim[]>;
  dtypes: Record<string, DataType>;
}

/** The ONNX graph of a backbone before its shapes are measured. */
export type BackboneGraph = Omit<Backbone, 'shapes' | 'dtypes'>;

/** Thrown for an ONNX file that cannot serve as a backbone; the message says what to do. */
export class BackboneError extends Error {
  override name = 'BackboneError';
}

const OLDEST_OPSET = 13;

/** Every op output of the graph, in graph order (the tensors a backbone can be cut at). */
export function cutCandidates(model: ModelData): string[] {
  return model.graph.nodes.flatMap((n) => n.outputs.filter(Boolean));
}

function listSome(names: readonly string[]): string {
  const shown = names.slice(-12);
  return `${shown.join(', ')}${names.length > shown.length ? ` (and ${names.length - shown.length} more)` : ''}`;
}

/**
 * The ops of `model` that `cut` depends on, with `Constant` ops folded into initializers. `cut`
 * empty = the graph's first output. Throws BackboneError for an unknown cut (listing valid ones),
 * a graph with other than one data input, an opset outside 13..17, or an op of another domain.
 */
export function cutBackbone(model: ModelData, cut: string, source: string): BackboneGraph {
  const g = model.graph;
  const opset = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < OLDEST_OPSET || opset > OPSET)
    throw new BackboneError(
      `${source} uses ONNX opset ${opset}; a backbone needs opset ${OLDEST_OPSET} to ${OPSET} (re-export it with one of those)`,
    );
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const dataInputs = g.inputs.filter((i) => !inits.has(i.name));
  if (dataInputs.length !== 1)
    throw new BackboneError(
      `${source} has ${dataInputs.length} inputs (${dataInputs.map((i) => i.name).join(', ') || 'none'}); a backbone needs exactly one`,
    );
  const input = dataInputs[0];
  if (input.nonTensor || (input.dtype !== 'float32' && input.dtype !== 'float64'))
    throw new BackboneError(`${source}: input ${input.name} is ${input.dtype}, not a float tensor`);
  const rest = input.shape.slice(1);
  if (input.shape.length < 2 || rest.some((d) => typeof d !== 'number' || d < 1))
    throw new BackboneError(
      `${source}: input ${input.name} has shape [${input.shape.join(', ')}]; a backbone needs a batch axis then fixed sizes`,
    );
  const target = cut || g.outputs[0]?.name || '';
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  if (!producer.has(target))
    throw new BackboneError(
      `${source} has no tensor "${target}" to cut at; tensors made by its ops include ${listSome(cutCandidates(model))}`,
    );
  const needed = new Set<number>();
  const stack = [target];
  while (stack.length) {
    const name = stack.pop()!;
    const at = producer.get(name);
    if (at === undefined || needed.has(at)) continue;
    needed.add(at);
    for (const i of g.nodes[at].inputs) if (i) stack.push(i);
  }
  const nodes: NodeData[] = [];
  const initializers: TensorData[] = [];
  const used = new Set<string>();
  for (const [i, n] of g.nodes.entries()) {
    if (!needed.has(i)) continue;
    if (n.domain && n.domain !== 'ai.onnx')
      throw new BackboneError(
        `${source}: op ${n.name ?? n.outputs[0]} is ${n.domain}.${n.opType}; a backbone may only use standard ONNX ops (cut before it)`,
      );
    if (n.opType === 'Constant') {
      const v = n.attrs?.value;
      if (!v || !('t' in v))
        throw new BackboneError(
          `${source}: Constant ${n.outputs[0]} has no tensor value; only tensor constants are read`,
        );
      initializers.push({ ...v.t, name: n.outputs[0] });
      continue;
    }
    nodes.push(n);
    for (const x of n.inputs) {
      const t = inits.get(x);
      if (t && !used.has(x)) {
        used.add(x);
        initializers.push(t);
      }
    }
  }
  const reads = new Set(nodes.flatMap((n) => n.inputs));
  if (!reads.has(input.name) && nodes.length)
    throw new BackboneError(
      `${source}: tensor "${target}" does not depend on the input ${input.name}; cut at a later tensor`,
    );
  return { source, inputName: input.name, inputShape: rest as number[], cut: target, nodes, initializers };
}
