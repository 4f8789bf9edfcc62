import type { z } from 'zod';
import type { AnyNodeDefinition, NodeRegistry } from '../nodes/NodeDefinition';
import { canConnect, formatPortType, type PortType } from '../ports';
import { capList, clip, closest } from './clip';
import type { Edge, PipelineDocument } from './document';

export type ValidationErrorKind =
  | 'unknown-type'
  | 'missing-input'
  | 'incompatible-ports'
  | 'bad-param'
  | 'cycle'
  | 'duplicate-input'
  | 'shape-mismatch'
  | 'unknown-port'
  | 'unknown-node'
  | 'duplicate-id'
  /** A data file a node reads is missing or not a regular file (checked where files can be read: `weft validate`). */
  | 'missing-file';

export interface ValidationError {
  kind: ValidationErrorKind;
  message: string;
  /** For `bad-param`: the zod path inside params. For `cycle`: the node ids on the cycle. */
  path?: (string | number)[];
  nodes?: string[];
}

export interface ValidationResult {
  ok: boolean;
  /** Errors keyed by node id. */
  errors: Record<string, ValidationError[]>;
  /** Parsed params (defaults applied) for every node whose params are valid. */
  params: Record<string, unknown>;
  /** Inferred output types by node id and port name. */
  types: Record<string, Record<string, PortType>>;
  /** Node ids in topological order (absent nodes are on a cycle). */
  order: string[];
}

function push(errors: Record<string, ValidationError[]>, id: string, e: ValidationError): void {
  (errors[id] ??= []).push({ ...e, message: clip(e.message, 400) });
}

/** The param names a params schema knows (a zod object, possibly wrapped in a pipe or default); undefined when not an object. */
export function paramKeys(schema: unknown): string[] | undefined {
  let s = schema as Record<string, unknown> | undefined;
  for (let depth = 0; depth < 6 && s; depth++) {
    const shape = s.shape;
    if (shape && typeof shape === 'object') return Object.keys(shape);
    const def = (s.def ?? (s._zod as { def?: unknown } | undefined)?.def) as Record<string, unknown> | undefined;
    s = (s.in ?? def?.in ?? def?.innerType) as Record<string, unknown> | undefined;
  }
  return undefined;
}

function unknownParams(params: unknown, known: readonly string[]): ValidationError[] {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return [];
  return Object.keys(params)
    .filter((k) => !known.includes(k))
    .map((k) => {
      const near = closest(k, known);
      return {
        kind: 'bad-param' as const,
        path: [k],
        message: `${clip(k)}: unknown parameter, ${near ? `did you mean ${near}?` : `known parameters: ${known.join(', ') || 'none'}`}`,
      };
    });
}

export function lookup(registry: NodeRegistry, type: string): AnyNodeDefinition | undefined {
  return Object.hasOwn(registry, type) ? registry[type] : undefined;
}

/** Kahn's algorithm; returns the order and the nodes left over (those on or behind a cycle). */
export function topoSort(ids: readonly string[], edges: readonly Edge[]): { order: string[]; rest: string[] } {
  const indeg = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!indeg.has(e.source.node) || !indeg.has(e.target.node)) continue;
    indeg.set(e.target.node, (indeg.get(e.target.node) ?? 0) + 1);
    out.get(e.source.node)?.push(e.target.node);
  }
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift() as string;
    order.push(id);
    for (const next of out.get(id) ?? []) {
      const d = (indeg.get(next) ?? 0) - 1;
      indeg.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  const done = new Set(order);
  return { order, rest: ids.filter((id) => !done.has(id)) };
}

/** Finds the cycles among the leftover nodes (Tarjan's strongly connected components). */
function findCycles(rest: readonly string[], edges: readonly Edge[]): string[][] {
  const inRest = new Set(rest);
  const adj = new Map<string, string[]>(rest.map((id) => [id, []]));
  for (const e of edges) {
    if (inRest.has(e.source.node) && inRest.has(e.target.node)) adj.get(e.source.node)?.push(e.target.node);
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const comps: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = (adj.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) comps.push(comp.reverse());
    }
  };
  for (const v of rest) if (!idx.has(v)) visit(v);
  return comps;
}

function formatZodIssues(error: z.ZodError): ValidationError[] {
  return error.issues.map((i) => ({
    kind: 'bad-param' as const,
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: `param ${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`,
  }));
}

/**
 * Checks a document against a registry before anything runs. Never throws; every problem is
 * reported under the id of the node it belongs to.
 */
export function validateGraph(doc: PipelineDocument, registry: NodeRegistry): ValidationResult {
  const errors: Record<string, ValidationError[]> = {};
  const params: Record<string, unknown> = {};
  const types: Record<string, Record<string, PortType>> = {};
  const ids = new Set<string>();
  const nodeById = new Map(doc.nodes.map((n) => [n.id, n]));

  for (const n of doc.nodes) {
    if (ids.has(n.id)) push(errors, n.id, { kind: 'duplicate-id', message: `two nodes share the id "${n.id}"` });
    ids.add(n.id);
    const def = lookup(registry, n.type);
    if (!def) {
      push(errors, n.id, {
        kind: 'unknown-type',
        message: `unknown node type "${clip(n.type)}"; \`weft nodes\` lists the known ones`,
      });
      continue;
    }
    const parsed = def.params.safeParse(n.params);
    if (parsed.success) params[n.id] = parsed.data;
    else for (const e of formatZodIssues(parsed.error)) push(errors, n.id, e);
    if (parsed.success && def.checkInGraph)
      for (const message of def.checkInGraph(parsed.data, doc, registry))
        push(errors, n.id, { kind: 'bad-param', message });
    const known = paramKeys(def.params);
    if (known) for (const e of unknownParams(n.params, known)) push(errors, n.id, e);
  }

  const incoming = new Map<string, Edge>();
  const goodEdges: Edge[] = [];
  for (const e of doc.edges) {
    const src = nodeById.get(e.source.node);
    const dst = nodeById.get(e.target.node);
    if (!dst) {
      if (src)
        push(errors, src.id, {
          kind: 'unknown-node',
          message: `edge ${e.id} points to missing node "${e.target.node}"`,
        });
      continue;
    }
    if (!src) {
      push(errors, dst.id, {
        kind: 'unknown-node',
        message: `edge ${e.id} comes from missing node "${e.source.node}"`,
      });
      continue;
    }
    const srcDef = lookup(registry, src.type);
    const dstDef = lookup(registry, dst.type);
    if (srcDef && !srcDef.outputs.some((p) => p.name === e.source.port)) {
      push(errors, src.id, {
        kind: 'unknown-port',
        message: `${src.type} has no output "${e.source.port}" (outputs: ${srcDef.outputs.map((p) => p.name).join(', ') || 'none'})`,
      });
      continue;
    }
    if (dstDef && !dstDef.inputs.some((p) => p.name === e.target.port)) {
      push(errors, dst.id, {
        kind: 'unknown-port',
        message: `${dst.type} has no input "${e.target.port}" (inputs: ${dstDef.inputs.map((p) => p.name).join(', ') || 'none'})`,
      });
      continue;
    }
    const key = `${e.target.node}\u0000${e.target.port}`;
    const prior = incoming.get(key);
    if (prior) {
      push(errors, dst.id, {
        kind: 'duplicate-input',
        message: `input "${e.target.port}" has two edges, from ${prior.source.node}.${prior.source.port} and ${e.source.node}.${e.source.port}; an input takes one`,
      });
      continue;
    }
    incoming.set(key, e);
    goodEdges.push(e);
  }

  const { order, rest } = topoSort(
    doc.nodes.map((n) => n.id),
    goodEdges,
  );
  for (const cycle of findCycles(rest, goodEdges)) {
    const text = [...cycle, cycle[0]].join(' → ');
    for (const id of cycle) push(errors, id, { kind: 'cycle', nodes: cycle, message: `cycle: ${text}` });
  }

  for (const id of order) {
    const n = nodeById.get(id);
    const def = n && lookup(registry, n.type);
    if (!n || !def) continue;
    const inputTypes: Record<string, PortType | undefined> = {};
    for (const port of def.inputs) {
      const e = incoming.get(`${id}\u0000${port.name}`);
      if (!e) {
        if (!port.optional) {
          push(errors, id, {
            kind: 'missing-input',
            message: `input "${port.name}" (${formatPortType(port.type)}) is not connected`,
          });
        }
        continue;
      }
      const fromType = types[e.source.node]?.[e.source.port];
      if (!fromType) continue;
      const check = canConnect(fromType, port.type);
      if (!check.ok) {
        push(errors, id, {
          kind: 'incompatible-ports',
          message: `input "${port.name}" from ${e.source.node}.${e.source.port}: ${check.reason}`,
        });
        continue;
      }
      inputTypes[port.name] = fromType;
    }
    const declared = Object.fromEntries(def.outputs.map((p) => [p.name, p.type]));
    types[id] = declared;
    if (def.inferOutputs && id in params) {
      try {
        const inferred = def.inferOutputs({ params: params[id], inputs: inputTypes });
        if ('error' in inferred) push(errors, id, { kind: 'shape-mismatch', message: inferred.error });
        else types[id] = { ...declared, ...inferred.outputs };
      } catch (e) {
        push(errors, id, { kind: 'shape-mismatch', message: `could not infer outputs: ${(e as Error).message}` });
      }
    }
  }

  return { ok: Object.keys(errors).length === 0, errors, params, types, order };
}

/** One line per error, `node: message`, for terminals and logs: the first 20, then a count of the rest. */
export function formatValidationErrors(result: Pick<ValidationResult, 'errors'>): string[] {
  return capList(Object.entries(result.errors).flatMap(([id, list]) => list.map((e) => `${clip(id)}: ${e.message}`)));
}
