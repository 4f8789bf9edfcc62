import { Position, type Edge as FlowEdge, type Node as FlowNode, type NodeHandle } from '@xyflow/react';
import { edgeId, type Edge, type NodeInstance, type PipelineDocument } from '../../core/common';
import { definitionOf } from './nodeCatalog';

export interface WeftNodeData extends Record<string, unknown> {
  type: string;
  version: number;
  params: Record<string, unknown>;
  label?: string;
}

export type WeftFlowNode = FlowNode<WeftNodeData, 'weft'>;
export type WeftFlowEdge = FlowEdge;

const NODE_WIDTH = 190;
const PORTS_TOP = 49;
const PORT_ROW = 22;

/**
 * A node's size and handle positions before it is measured. React Flow renders every node without
 * handle bounds whatever the viewport, so without them a large pipeline would mount all its nodes
 * just to measure them; with them only the visible ones mount. The canvas drops `handles` once the
 * node is measured, and React Flow then keeps the measured bounds.
 */
export function estimatedLayout(type: string): Pick<WeftFlowNode, 'initialWidth' | 'initialHeight' | 'handles'> {
  const def = definitionOf(type);
  const rows = Math.max(def?.inputs.length ?? 0, def?.outputs.length ?? 0);
  const at = (i: number): number => PORTS_TOP + i * PORT_ROW + 6;
  const handles: NodeHandle[] = [
    ...(def?.inputs ?? []).map((p, i): NodeHandle => ({
      id: p.name,
      type: 'target',
      position: Position.Left,
      x: -5,
      y: at(i),
      width: 10,
      height: 10,
    })),
    ...(def?.outputs ?? []).map((p, i): NodeHandle => ({
      id: p.name,
      type: 'source',
      position: Position.Right,
      x: NODE_WIDTH - 5,
      y: at(i),
      width: 10,
      height: 10,
    })),
  ];
  return { initialWidth: NODE_WIDTH, initialHeight: PORTS_TOP + rows * PORT_ROW + 8, handles };
}

/** Whether a flow node already shows the document node (position as saved: rounded). */
function shows(f: WeftFlowNode, n: NodeInstance): boolean {
  return (
    Math.round(f.position.x) === n.position.x &&
    Math.round(f.position.y) === n.position.y &&
    f.data.type === n.type &&
    f.data.version === n.version &&
    f.data.params === n.params &&
    (f.data.label || undefined) === n.label
  );
}

function nodeData(n: NodeInstance): WeftNodeData {
  return { type: n.type, version: n.version, params: n.params, ...(n.label ? { label: n.label } : {}) };
}

/**
 * The canvas nodes for a document. View state (selection, measured size, a drag) of the nodes in
 * `view` carries over by id, and a node the document did not change is the same object; a new node
 * gets an estimated layout. `select`, when given, becomes the selection.
 */
export function toFlowNodes(
  doc: PipelineDocument,
  view: readonly WeftFlowNode[] = [],
  select?: ReadonlySet<string>,
): WeftFlowNode[] {
  const byId = new Map(view.map((f) => [f.id, f]));
  return doc.nodes.map((n) => {
    const f = byId.get(n.id);
    const selected = select ? select.has(n.id) : Boolean(f?.selected);
    if (!f) {
      return {
        id: n.id,
        type: 'weft',
        position: { ...n.position },
        ...estimatedLayout(n.type),
        data: nodeData(n),
        ...(selected ? { selected } : {}),
      };
    }
    const same = shows(f, n);
    if (same && Boolean(f.selected) === selected) return f;
    return {
      ...f,
      ...(same ? {} : { position: { ...n.position }, data: nodeData(n) }),
      selected,
    };
  });
}

/** The canvas edges for a document; an unchanged edge keeps its object (and its selection). */
export function toFlowEdges(doc: PipelineDocument, view: readonly WeftFlowEdge[] = []): WeftFlowEdge[] {
  const byId = new Map(view.map((f) => [f.id, f]));
  return doc.edges.map((e) => {
    const f = byId.get(e.id);
    if (
      f &&
      f.source === e.source.node &&
      f.sourceHandle === e.source.port &&
      f.target === e.target.node &&
      f.targetHandle === e.target.port
    )
      return f;
    return {
      id: e.id,
      source: e.source.node,
      sourceHandle: e.source.port,
      target: e.target.node,
      targetHandle: e.target.port,
    };
  });
}

/** The document the canvas shows, in the file format (what is saved, validated and run). */
export function toDocument(
  nodes: readonly WeftFlowNode[],
  edges: readonly WeftFlowEdge[],
  metadata: PipelineDocument['metadata'],
): PipelineDocument {
  return {
    format: 'weft.pipeline',
    version: 2,
    metadata,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.type,
      version: n.data.version || definitionOf(n.data.type)?.version || 1,
      params: n.data.params,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.data.label ? { label: n.data.label } : {}),
    })),
    edges: edges.map((e): Edge => {
      const source = { node: e.source, port: e.sourceHandle ?? '' };
      const target = { node: e.target, port: e.targetHandle ?? '' };
      return { id: e.id || edgeId({ source, target }), source, target };
    }),
  };
}
