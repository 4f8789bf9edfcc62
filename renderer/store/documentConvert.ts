import { Position, type Edge as FlowEdge, type Node as FlowNode, type NodeHandle } from '@xyflow/react';
import { edgeId, type Edge, type PipelineDocument } from '../../core/common';
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

export function toFlowNodes(doc: PipelineDocument): WeftFlowNode[] {
  return doc.nodes.map((n) => ({
    id: n.id,
    type: 'weft',
    position: { ...n.position },
    ...estimatedLayout(n.type),
    data: { type: n.type, version: n.version, params: { ...n.params }, ...(n.label ? { label: n.label } : {}) },
  }));
}

export function toFlowEdges(doc: PipelineDocument): WeftFlowEdge[] {
  return doc.edges.map((e) => ({
    id: e.id,
    source: e.source.node,
    sourceHandle: e.source.port,
    target: e.target.node,
    targetHandle: e.target.port,
  }));
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

/** A fresh node id from the type, e.g. `data.csv` → `csv_2`. */
export function nextNodeId(type: string, taken: ReadonlySet<string>): string {
  const stem = (type.split('.').pop() ?? 'node').replace(/[^A-Za-z0-9_-]/g, '_');
  for (let i = 1; ; i++) {
    const id = `${stem}_${i}`;
    if (!taken.has(id)) return id;
  }
}
