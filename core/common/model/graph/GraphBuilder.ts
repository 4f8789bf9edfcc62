import type {
  AttrValue,
  DataType,
  ElemType,
  GraphData,
  NodeData,
  TensorData,
  ValueInfoData,
} from '../onnx/encodeModel';
import { encodeModel } from '../onnx/encodeModel';

/** A dimension while building: a fixed size, or the symbolic batch dimension. */
export type SDim = number | 'batch';
export type SShape = readonly SDim[];

/** A tensor in the graph being built: its ONNX value name, static shape and element type. */
export interface T {
  readonly name: string;
  readonly shape: SShape;
  readonly dtype: DataType;
}

/** The gradients of a fused group's inputs from those of its outputs (undefined where none flows). */
export type FusedBackward = (b: GraphBuilder, dys: readonly (T | undefined)[]) => (T | undefined)[];

/** One recorded op with the tensors it read and wrote, kept for reverse-mode differentiation. */
export interface TapeEntry {
  /** The op; for a fused group, its last op. */
  node: NodeData;
  ins: readonly T[];
  outs: readonly T[];
  /** A group of ops recorded by `GraphBuilder.fused`, differentiated by its own backward. */
  fused?: { name: string; backward: FusedBackward };
}

export const isFloat = (t: T): boolean => t.dtype === 'float32' || t.dtype === 'float64';

export function numel(shape: SShape): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (d === 'batch') return undefined;
    n *= d;
  }
  return n;
}

export function formatShape(shape: SShape): string {
  return `[${shape.join(', ')}]`;
}

export function broadcastShapes(a: SShape, b: SShape): SDim[] {
  const n = Math.max(a.length, b.length);
  const out: SDim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else throw new Error(`cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
  }
  return out;
}

/**
 * Builds an ONNX graph while tracking static shapes (with a symbolic batch dimension) and a tape
 * of the ops applied to tensors that need gradients. `float` is the element type of every float
 * tensor it creates: float32 for models, float64 in gradient checks.
 */
export class GraphBuilder {
  readonly nodes: NodeData[] = [];
  readonly tape: TapeEntry[] = [];
  readonly initializers: TensorData[] = [];
  readonly inputs: ValueInfoData[] = [];
  readonly outputs: ValueInfoData[] = [];
  /** Tensors that depend on a differentiable input (parameters). */
  readonly needsGrad = new Set<string>();
  private readonly names = new Set<string>();
  private readonly constCache = new Map<string, T>();
  /** Outputs declared under another name than their tensor's, resolved by `graph()`. */
  private readonly aliases: { from: string; to: string }[] = [];
  private counter = 0;

  constructor(readonly float: ElemType = 'float32') {}

  fresh(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Marks names as taken (values of a graph this one will be merged into). */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.names.add(n);
  }

  input(name: string, shape: SShape, dtype: DataType = this.float): T {
    if (this.names.has(name)) throw new Error(`duplicate graph value name ${name}`);
    this.names.add(name);
    this.inputs.push({ name, dtype, shape: shape.map((d) => d) });
    return { name, shape, dtype };
  }

  /**
   * Declares a graph output. With a `name`, the tensor is renamed when the graph is emitted (its
   * producing node writes `name` directly); an Identity copy is left only where renaming cannot
   * work (a graph input or initializer, or a tensor output twice). Call it after the last op that
   * reads `t`: the returned tensor carries the output name.
   */
  output(t: T, name?: string): T {
    const out = name && name !== t.name ? { name: this.fresh(name), shape: t.shape, dtype: t.dtype } : t;
    if (out !== t) this.aliases.push({ from: t.name, to: out.name });
    this.outputs.push({ name: out.name, dtype: out.dtype, shape: out.shape.map((d) => d) });
    return out;
  }

  initializer(name: string, dims: readonly number[], data: TensorData['data'], dtype: DataType): T {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dtype, dims, data });
    return { name: n, shape: dims, dtype };
  }

  /** A float constant of the builder's float type (deduplicated). */
  constF(
    values: number | readonly number[],
    dims: readonly number[] = typeof values === 'number' ? [] : [values.length],
  ): T {
    const arr = typeof values === 'number' ? [values] : values;
    const key = `${this.float}:${dims.join('x')}:${arr.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const data = this.float === 'float64' ? Float64Array.from(arr) : Float32Array.from(arr);
    const t = this.initializer('c', dims, data, this.float);
    if (arr.length <= 16) this.constCache.set(key, t);
    return t;
  }

  constI64(
    values: number | readonly number[],
    dims: readonly number[] = typeof values === 'number' ? [] : [values.length],
  ): T {
    const arr = typeof values === 'number' ? [values] : values;
    const key = `int64:${dims.join('x')}:${arr.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const t = this.initializer('ci', dims, BigInt64Array.from(arr.map((v) => BigInt(v))), 'int64');
    this.constCache.set(key, t);
    return t;
  }

  /** Emits one single-output op. */
  op(
    opType: string,
    ins: readonly T[],
    shape: SShape,
    attrs: Record<string, AttrValue> = {},
    dtype?: DataType,
    name?: string,
  ): T {
    return this.opN(opType, ins, [shape], attrs, dtype ? [dtype] : undefined, name)[0];
  }

  /** Emits an op with several outputs; `shapes[k]` and `dtypes[k]` describe output k. */
  opN(
    opType: string,
    ins: readonly T[],
    shapes: readonly SShape[],
    attrs: Record<string, AttrValue> = {},
    dtypes?: readonly DataType[],
    name?: string,
  ): T[] {
    const outs = shapes.map((shape, k) => ({
      name: k === 0 && name ? this.fresh(name) : this.fresh(`${opType.toLowerCase()}`),
      shape,
      dtype: dtypes?.[k] ?? ins[0]?.dtype ?? this.float,
    }));
    const node: NodeData = { opType, inputs: ins.map((t) => t.name), outputs: outs.map((t) => t.name), attrs };
    this.nodes.push(node);
    if (ins.some((t) => this.needsGrad.has(t.name))) {
      this.tape.push({ node, ins, outs });
      for (const o of outs) if (isFloat(o)) this.needsGrad.add(o.name);
    }
    return outs;
  }

  /**
   * Records the ops `forward` emits as one tape entry named `name`, differentiated by `backward`
   * instead of op by op (a recurrent layer's backward through time with one weight-gradient
   * product over all steps). `ins` must list every tensor needing a gradient that the ops read
   * from outside the group; `backward` gets the gradients of the returned tensors (the first always
   * present) and returns one per input. Where no input needs a gradient, nothing is recorded.
   */
  fused(name: string, ins: readonly T[], forward: () => T[], backward: FusedBackward): T[] {
    const from = this.tape.length;
    const outs = forward();
    if (!ins.some((t) => this.needsGrad.has(t.name))) return outs;
    const inner = this.tape.splice(from);
    const made = new Set(inner.flatMap((e) => e.outs.map((o) => o.name)));
    const listed = new Set(ins.map((t) => t.name));
    for (const e of inner)
      for (const x of e.ins)
        if (this.needsGrad.has(x.name) && !made.has(x.name) && !listed.has(x.name))
          throw new Error(
            `fused ${name}: ${e.node.opType} reads ${x.name}, which needs a gradient but is not an input`,
          );
    const last = inner.at(-1);
    if (!last) throw new Error(`fused ${name}: no op reads its inputs`);
    this.tape.push({ node: last.node, ins, outs, fused: { name, backward } });
    return outs;
  }

  /** An `ai.onnx.ml` op (no gradient), e.g. TreeEnsembleRegressor; `shapes[k]`, `dtypes[k]` describe output k. */
  mlOp(
    opType: string,
    ins: readonly T[],
    shapes: readonly SShape[],
    attrs: Record<string, AttrValue>,
    dtypes: readonly DataType[],
  ): T[] {
    const outs = shapes.map((shape, k) => ({ name: this.fresh(opType.toLowerCase()), shape, dtype: dtypes[k] }));
    this.nodes.push({
      opType,
      domain: 'ai.onnx.ml',
      inputs: ins.map((t) => t.name),
      outputs: outs.map((t) => t.name),
      attrs,
    });
    return outs;
  }

  /** A one-output op of another operator set domain (no gradient), e.g. `com.microsoft` Tokenizer. */
  domainOp(
    domain: string,
    opType: string,
    ins: readonly T[],
    shape: SShape,
    attrs: Record<string, AttrValue>,
    dtype: DataType,
  ): T {
    const out = { name: this.fresh(opType.toLowerCase()), shape, dtype };
    this.nodes.push({ opType, domain, inputs: ins.map((t) => t.name), outputs: [out.name], attrs });
    return out;
  }

  /** An op whose output needs no gradient even when its inputs do (shapes, comparisons, argmax). */
  opNoGrad(
    opType: string,
    ins: readonly T[],
    shape: SShape,
    attrs: Record<string, AttrValue> = {},
    dtype?: DataType,
  ): T {
    const outs = [{ name: this.fresh(opType.toLowerCase()), shape, dtype: dtype ?? ins[0]?.dtype ?? this.float }];
    this.nodes.push({ opType, inputs: ins.map((t) => t.name), outputs: [outs[0].name], attrs });
    return outs[0];
  }

  /** The graph without ops and initializers that no output depends on (unused gradient branches). */
  graph(name: string): GraphData {
    const nodes = this.resolveAliases();
    const live = new Set(this.outputs.map((o) => o.name));
    const kept: NodeData[] = [];
    for (let k = nodes.length - 1; k >= 0; k--) {
      const n = nodes[k];
      if (!n.outputs.some((o) => live.has(o))) continue;
      kept.push(n);
      for (const i of n.inputs) live.add(i);
    }
    kept.reverse();
    const initializers = this.initializers.filter((t) => live.has(t.name));
    return { name, nodes: kept, inputs: this.inputs, outputs: this.outputs, initializers };
  }

  /** The nodes with each aliased output renamed in place, or copied by an Identity where it must be. */
  private resolveAliases(): NodeData[] {
    const produced = new Set(this.nodes.flatMap((n) => n.outputs));
    const direct = new Set(this.outputs.map((o) => o.name));
    const rename = new Map<string, string>();
    const copies: NodeData[] = [];
    for (const { from, to } of this.aliases) {
      if (produced.has(from) && !direct.has(from) && !rename.has(from)) rename.set(from, to);
      else copies.push({ opType: 'Identity', inputs: [rename.get(from) ?? from], outputs: [to], attrs: {} });
    }
    if (rename.size === 0) return [...this.nodes, ...copies];
    const r = (v: string): string => rename.get(v) ?? v;
    const nodes = this.nodes.map((n) => ({ ...n, inputs: n.inputs.map(r), outputs: n.outputs.map(r) }));
    return [...nodes, ...copies];
  }

  encode(name = 'weft'): Uint8Array {
    return encodeModel(this.graph(name));
  }
}
