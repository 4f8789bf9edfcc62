import type { NodeRegistry } from '../nodes/NodeDefinition';
import type { Endpoint, PipelineDocument } from './document';
import { lookup, validateGraph, type ValidationResult } from './validateGraph';

export interface PlanStep {
  nodeId: string;
  type: string;
  version: number;
  /** Params parsed by the node's schema, defaults applied. */
  params: unknown;
  /** Input port → the upstream output feeding it. */
  inputs: Record<string, Endpoint>;
  /** Node ids this step waits for. */
  dependsOn: string[];
  expensive: boolean;
}

export interface Plan {
  steps: PlanStep[];
}

export type CompileResult =
  { ok: true; plan: Plan; validation: ValidationResult } | { ok: false; validation: ValidationResult };

/** Node ids that `target` needs, itself included. */
export function ancestorsOf(doc: PipelineDocument, target: string): Set<string> {
  const seen = new Set<string>([target]);
  const stack = [target];
  while (stack.length) {
    const id = stack.pop() as string;
    for (const e of doc.edges) {
      if (e.target.node === id && !seen.has(e.source.node)) {
        seen.add(e.source.node);
        stack.push(e.source.node);
      }
    }
  }
  return seen;
}

/**
 * Validates and turns a document into a topologically ordered plan. With `only`, the plan holds
 * that node and its ancestors; validation of the rest of the graph still has to pass for them.
 */
export function compile(doc: PipelineDocument, registry: NodeRegistry, opts: { only?: string } = {}): CompileResult {
  let scoped = doc;
  if (opts.only) {
    const only = opts.only;
    if (!doc.nodes.some((n) => n.id === only)) {
      const validation = validateGraph(doc, registry);
      validation.ok = false;
      validation.errors[only] = [{ kind: 'unknown-node', message: `no node "${only}" in this pipeline` }];
      return { ok: false, validation };
    }
    const keep = ancestorsOf(doc, only);
    scoped = {
      ...doc,
      nodes: doc.nodes.filter((n) => keep.has(n.id)),
      edges: doc.edges.filter((e) => keep.has(e.source.node) && keep.has(e.target.node)),
    };
  }
  const validation = validateGraph(scoped, registry);
  if (!validation.ok) return { ok: false, validation };
  const byId = new Map(scoped.nodes.map((n) => [n.id, n]));
  const steps = validation.order.map((id): PlanStep => {
    const n = byId.get(id);
    if (!n) throw new Error(`internal: node ${id} vanished during compile`);
    const inputs: Record<string, Endpoint> = {};
    for (const e of scoped.edges) if (e.target.node === id) inputs[e.target.port] = e.source;
    return {
      nodeId: id,
      type: n.type,
      version: n.version,
      params: validation.params[id],
      inputs,
      dependsOn: [...new Set(Object.values(inputs).map((s) => s.node))],
      expensive: lookup(registry, n.type)?.expensive ?? false,
    };
  });
  return { ok: true, plan: { steps }, validation };
}
