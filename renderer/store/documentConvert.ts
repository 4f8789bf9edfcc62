import type { Edge as FlowEdge, Node as FlowNode } from '@xyflow/react';
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

export function toFlowNodes(doc: PipelineDocument): WeftFlowNode[] {
  return doc.nodes.map((n) => ({
    id: n.id,
    type: 'weft',
    position: { ...n.position },
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
export function toDocument(nodes: readonly WeftFlowNode[], edges: readonly WeftFlowEdge[], metadata: PipelineDocument['metadata']): PipelineDocument {
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
