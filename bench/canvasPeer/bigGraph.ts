/** The canvas bench's graph: N nodes in a 40-wide grid, CSV sources each feeding a split. */
const BIG_N = 1000;

/**
 * Where the studio opens this graph (renderer/canvas/useFitAll: too large to fit with titles at
 * 11 px, so its top-left corner at zoom 11/13, 24 px in); the peer opens at the same view.
 */
export const PEER_VIEWPORT = { x: 24, y: 24, zoom: 11 / 13 };

export interface BigGraph {
  nodes: { id: string; type: 'data.csv' | 'prep.split'; position: { x: number; y: number } }[];
  edges: { id: string; source: string; target: string }[];
}

export function bigGraph(n = BIG_N): BigGraph {
  const nodes: BigGraph['nodes'] = [];
  const edges: BigGraph['edges'] = [];
  for (let i = 0; i < n; i++) {
    const type = i % 2 === 0 ? 'data.csv' : 'prep.split';
    nodes.push({ id: `n${i}`, type, position: { x: (i % 40) * 260, y: Math.floor(i / 40) * 160 } });
    if (type === 'prep.split') edges.push({ id: `e${i}`, source: `n${i - 1}`, target: `n${i}` });
  }
  return { nodes, edges };
}
