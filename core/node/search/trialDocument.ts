import { z } from 'zod';
import { ancestorsOf, lookup, type NodeRegistry, type PipelineDocument } from '../../common';
import { dimensionKey, type Config, type Dimension } from '../../common/search/space';
import { UserError } from '../executors/Executor';

/** The param that counts a trained node's epochs (or boosting iterations), by node type. */
export const EPOCH_PARAMS: Readonly<Record<string, string>> = { 'train.trainer': 'epochs', 'ml.boosting': 'maxIter' };

/** The params a node type declares, from its zod object schema. */
function paramNames(registry: NodeRegistry, type: string): string[] | undefined {
  const schema = lookup(registry, type)?.params;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

/**
 * Refuses dimensions that name a node that is not in the pipeline, not upstream of the objective
 * (`upstream`), or a param its node type does not have (as after an edit that renamed or removed it).
 */
export function checkDimensions(
  dims: readonly Dimension[],
  doc: PipelineDocument,
  registry: NodeRegistry,
  upstream: ReadonlySet<string>,
  where: string,
): void {
  const seen = new Set<string>();
  for (const d of dims) {
    const key = dimensionKey(d);
    if (seen.has(key)) throw new UserError(`${where}: dimension ${key} is listed twice; keep one`, 1);
    seen.add(key);
    const node = doc.nodes.find((n) => n.id === d.node);
    if (!node) {
      throw new UserError(
        `${where}: dimension ${key} names node "${d.node}", which is not in the pipeline (renamed or deleted?); pick a node upstream of the evaluation`,
        1,
      );
    }
    if (!upstream.has(d.node)) {
      throw new UserError(
        `${where}: dimension ${key}: node ${d.node} is not upstream of the evaluation connected to metrics, so changing it cannot change the objective`,
        1,
      );
    }
    const names = paramNames(registry, node.type);
    const head = d.param.split('.')[0] ?? '';
    if (names && !names.includes(head)) {
      throw new UserError(
        `${where}: dimension ${key}: ${node.type} (${d.node}) has no param "${head}"; its params are ${names.join(', ')}`,
        1,
      );
    }
  }
}

/** `params` with the value at a dotted path replaced (objects on the way are copied, missing ones made). */
function setPath(params: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = dotted.split('.');
  if (!head) return params;
  if (!rest.length) return { ...params, [head]: value };
  const inner = params[head];
  const obj =
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  return { ...params, [head]: setPath(obj, rest.join('.'), value) };
}

/**
 * One trial's pipeline: the nodes the search's inputs come from and their ancestors (nothing
 * downstream of the search runs, so a test-split evaluation after it never sees a trial), with the
 * trial's values set and, for ASHA, the trained node's epochs.
 */
export function trialDocument(
  doc: PipelineDocument,
  sources: readonly string[],
  dims: readonly Dimension[],
  config: Config,
  extra: readonly { node: string; param: string; value: unknown }[],
  name: string,
): PipelineDocument {
  const keep = new Set<string>();
  for (const s of sources) for (const id of ancestorsOf(doc, s)) keep.add(id);
  const sets = [...dims.map((d, i) => ({ node: d.node, param: d.param, value: config[i] })), ...extra];
  return {
    ...doc,
    metadata: { ...doc.metadata, name },
    nodes: doc.nodes
      .filter((n) => keep.has(n.id))
      .map((n) => {
        let params = n.params;
        for (const s of sets) if (s.node === n.id) params = setPath(params, s.param, s.value);
        return params === n.params ? n : { ...n, params };
      }),
    edges: doc.edges.filter((e) => keep.has(e.source.node) && keep.has(e.target.node)),
  };
}

/** A trial's values by `node.param`, for records and tables. */
export function configParams(dims: readonly Dimension[], config: Config): Record<string, unknown> {
  return Object.fromEntries(dims.map((d, i) => [dimensionKey(d), config[i]]));
}
