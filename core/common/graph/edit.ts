import type { NodeRegistry } from '../nodes/NodeDefinition';
import { canConnect, type ConnectResult, type PortType } from '../ports';
import { edgeId, type Edge, type Endpoint, type NodeInstance, type PipelineDocument } from './document';
import { lookup } from './validateGraph';

/*
 * Editing a pipeline document: pure functions from a document (and the edit) to a new document.
 * The studio's store calls them and keeps only view state (selection, measured sizes) itself.
 * Unchanged nodes and edges keep their identity in the result.
 */

/** A position on the canvas. */
export interface Point {
  x: number;
  y: number;
}

/** Some nodes and the edges among them: what is copied and pasted. */
export interface GraphFragment {
  nodes: NodeInstance[];
  edges: Edge[];
}

/** A wanted edge from an output port to an input port. */
export interface ConnectionAttempt {
  source: Endpoint;
  target: Endpoint;
}

export type EditResult<T = object> = ({ ok: true; document: PipelineDocument } & T) | { ok: false; reason: string };

/** A deep copy of JSON data (documents are JSON). */
function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A fresh node id from the type, e.g. `data.csv` → `csv_2`. */
export function nextNodeId(type: string, taken: ReadonlySet<string>): string {
  const stem = (type.split('.').pop() ?? 'node').replace(/[^A-Za-z0-9_-]/g, '_');
  for (let i = 1; ; i++) {
    const id = `${stem}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** Adds a node of a registered type with empty params (its defaults apply) and a fresh id. */
export function addNode(
  doc: PipelineDocument,
  registry: NodeRegistry,
  type: string,
  position: Point,
): EditResult<{ id: string }> {
  const def = lookup(registry, type);
  if (!def) return { ok: false, reason: `unknown node type ${type}` };
  const id = nextNodeId(type, new Set(doc.nodes.map((n) => n.id)));
  const node: NodeInstance = { id, type, version: def.version, params: {}, position: { ...position } };
  return { ok: true, id, document: { ...doc, nodes: [...doc.nodes, node] } };
}

/** Whether `to` is reachable from `from` along edges (a new edge to→from would close a cycle). */
function reaches(edges: readonly Edge[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of edges) if (e.source.node === id) stack.push(e.target.node);
  }
  return false;
}

/**
 * Decides a connection: both ports exist, the source output's type (the inferred one from
 * validateGraph's `types` where known, else the declared one) passes `canConnect` into the target
 * input's declared type, and the edge closes no cycle.
 */
export function checkConnection(
  doc: Pick<PipelineDocument, 'nodes' | 'edges'>,
  registry: NodeRegistry,
  c: ConnectionAttempt,
  types: Readonly<Record<string, Record<string, PortType>>> = {},
): ConnectResult {
  if (c.source.node === c.target.node) return { ok: false, reason: 'a node cannot feed itself' };
  const src = doc.nodes.find((n) => n.id === c.source.node);
  const dst = doc.nodes.find((n) => n.id === c.target.node);
  const srcDef = src && lookup(registry, src.type);
  const dstDef = dst && lookup(registry, dst.type);
  if (!srcDef || !dstDef) return { ok: false, reason: 'unknown node type' };
  const out = srcDef.outputs.find((p) => p.name === c.source.port);
  const inp = dstDef.inputs.find((p) => p.name === c.target.port);
  if (!out || !inp) return { ok: false, reason: 'connect an output (right) to an input (left)' };
  const check = canConnect(types[c.source.node]?.[out.name] ?? out.type, inp.type);
  if (!check.ok)
    return { ok: false, reason: `${srcDef.title}.${out.name} → ${dstDef.title}.${inp.name}: ${check.reason}` };
  if (reaches(doc.edges, c.target.node, c.source.node)) return { ok: false, reason: 'this edge would make a cycle' };
  return { ok: true };
}

/**
 * Connects two ports when `checkConnection` allows it. An input takes one edge: an edge already
 * into the target port is replaced. Connecting what is already connected returns the same document.
 */
export function connect(
  doc: PipelineDocument,
  registry: NodeRegistry,
  c: ConnectionAttempt,
  types?: Readonly<Record<string, Record<string, PortType>>>,
): EditResult<{ edge: Edge }> {
  const check = checkConnection(doc, registry, c, types);
  if (!check.ok) return check;
  const id = edgeId(c);
  const existing = doc.edges.find((e) => e.id === id);
  if (existing) return { ok: true, edge: existing, document: doc };
  const edge: Edge = { id, source: { ...c.source }, target: { ...c.target } };
  const kept = doc.edges.filter((e) => !(e.target.node === c.target.node && e.target.port === c.target.port));
  return { ok: true, edge, document: { ...doc, edges: [...kept, edge] } };
}

/** Removes nodes (with every edge into or out of them) and edges, by id. */
export function removeElements(
  doc: PipelineDocument,
  ids: { nodes?: Iterable<string>; edges?: Iterable<string> },
): PipelineDocument {
  const nodes = new Set(ids.nodes ?? []);
  const edges = new Set(ids.edges ?? []);
  if (!nodes.size && !edges.size) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source.node) && !nodes.has(e.target.node)),
  };
}

/** The named nodes and the edges between two of them, params deep-copied; `undefined` when none. */
export function copyFragment(doc: PipelineDocument, nodeIds: Iterable<string>): GraphFragment | undefined {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  if (!nodes.length) return undefined;
  return copyJson({
    nodes,
    edges: doc.edges.filter((e) => ids.has(e.source.node) && ids.has(e.target.node)),
  });
}

/**
 * Pastes a fragment: every node gets a fresh id (from its type) and moves by `offset`, its inner
 * edges are rewired to the new ids, params are deep-copied. Returns the pasted fragment too (paste
 * it again to stack another copy further along).
 */
export function pasteFragment(
  doc: PipelineDocument,
  fragment: GraphFragment,
  offset: Point = { x: 40, y: 40 },
): { document: PipelineDocument; pasted: GraphFragment } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  for (const n of fragment.nodes) {
    const id = nextNodeId(n.type, taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const nodes = fragment.nodes.map((n): NodeInstance => ({
    ...copyJson(n),
    id: rename.get(n.id) as string,
    position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
  }));
  const edges = fragment.edges.flatMap((e): Edge[] => {
    const source = rename.get(e.source.node);
    const target = rename.get(e.target.node);
    if (!source || !target) return [];
    const ends = { source: { node: source, port: e.source.port }, target: { node: target, port: e.target.port } };
    return [{ id: edgeId(ends), ...ends }];
  });
  return {
    document: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    pasted: { nodes, edges },
  };
}

/** Moves nodes to new positions; nodes not named keep theirs. */
export function moveNodes(doc: PipelineDocument, positions: Readonly<Record<string, Point>>): PipelineDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = Object.hasOwn(positions, n.id) ? positions[n.id] : undefined;
      return p ? { ...n, position: { x: p.x, y: p.y } } : n;
    }),
  };
}

function updateNode(
  doc: PipelineDocument,
  nodeId: string,
  change: (n: NodeInstance) => NodeInstance,
): PipelineDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? change(n) : n)) };
}

/** Sets one param of a node; `undefined` removes it (the default applies again). */
export function setParam(doc: PipelineDocument, nodeId: string, key: string, value: unknown): PipelineDocument {
  return updateNode(doc, nodeId, (n) => {
    const params = { ...n.params };
    if (value === undefined) delete params[key];
    else params[key] = value;
    return { ...n, params };
  });
}

/** Sets a node's label; an empty label removes it (the type's title shows). */
export function setLabel(doc: PipelineDocument, nodeId: string, label: string): PipelineDocument {
  return updateNode(doc, nodeId, ({ label: _old, ...n }) => (label ? { ...n, label } : n));
}

/** The document with its pipeline name (`metadata.name`) set; an empty name removes it. */
export function setPipelineName(doc: PipelineDocument, name: string): PipelineDocument {
  const { name: old, ...rest } = doc.metadata;
  if ((old ?? '') === name) return doc;
  return { ...doc, metadata: name ? { ...rest, name } : rest };
}

/** The name a pipeline saved as `file` gets when it has none: the file's name without its extension. */
export function nameFromFile(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.weft\.json$|\.json$/i, '');
}

/** The document saved as `file`: named after the file when it has no name of its own (or "Untitled"). */
export function namedAfterFile(doc: PipelineDocument, file: string): PipelineDocument {
  const name = doc.metadata.name;
  return !name || name === 'Untitled' ? setPipelineName(doc, nameFromFile(file)) : doc;
}
