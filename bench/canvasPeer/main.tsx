import { Background, Controls, MiniMap, ReactFlow, type Edge, type Node } from '@xyflow/react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import { bigGraph, PEER_VIEWPORT } from './bigGraph';

/** The canvas bench's peer: plain @xyflow/react with default nodes, the same graph, opening view and widgets as the studio. */
const { nodes, edges } = bigGraph();
const flowNodes: Node[] = nodes.map((n) => ({ id: n.id, position: n.position, data: { label: n.type } }));
const flowEdges: Edge[] = edges.map((e) => ({ id: e.id, source: e.source, target: e.target }));

function Peer() {
  return (
    <ReactFlow
      defaultNodes={flowNodes}
      defaultEdges={flowEdges}
      defaultViewport={PEER_VIEWPORT}
      onlyRenderVisibleElements
      minZoom={0.05}
      maxZoom={2}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={20} />
      <MiniMap pannable zoomable />
      <Controls />
    </ReactFlow>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<Peer />);
