import ELK from 'elkjs/lib/elk.bundled.js';
import type { XYPosition } from '@xyflow/react';
import type { WeftFlowEdge, WeftFlowNode } from '../store/documentConvert';

const elk = new ELK();

/** Left-to-right layered layout of the pipeline (elkjs); returns new positions by node id. */
export async function autoLayout(
  nodes: readonly WeftFlowNode[],
  edges: readonly WeftFlowEdge[],
): Promise<Record<string, XYPosition>> {
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
    },
    children: nodes.map((n) => ({ id: n.id, width: n.measured?.width ?? 200, height: n.measured?.height ?? 90 })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out: Record<string, XYPosition> = {};
  for (const c of graph.children ?? []) out[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
  return out;
}
