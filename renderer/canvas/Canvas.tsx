import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeTypes,
  type ReactFlowState,
} from '@xyflow/react';
import { useCallback, useEffect, type DragEvent } from 'react';
import { definitionOf } from '../store/nodeCatalog';
import type { WeftFlowNode } from '../store/documentConvert';
import { useStudio } from '../store/useStudio';
import { Welcome } from '../welcome/Welcome';
import { useFitAll } from './useFitAll';
import { WeftNode, portColors } from './WeftNode';

export const NODE_DRAG_MIME = 'application/x-weft-node';

const nodeTypes: NodeTypes = { weft: WeftNode };
/** Props given as constants: a new array or object on every render makes React Flow redo its key listeners and store fields. */
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const DEFAULT_VIEWPORT = { x: 0, y: 0, zoom: 1 };
const PRO_OPTIONS = { hideAttribution: true };
const showNodeResults = (_: unknown, n: WeftFlowNode): void => useStudio.getState().showResults(n.id);

function minimapColor(n: WeftFlowNode): string {
  const def = definitionOf(n.data.type);
  const kind = def?.outputs[0]?.type.kind;
  return kind ? portColors[kind] : '#adb5bd';
}

/** Dots closer than 10 px read as a grey haze and cost a repaint of the whole canvas on every pan frame. */
const dotsVisible = (s: ReactFlowState): boolean => s.transform[2] >= 0.5;

/** Whether some node lies (partly) outside the visible canvas: only then is a minimap worth its space. */
const graphOverflows = (s: ReactFlowState): boolean => {
  const [tx, ty, k] = s.transform;
  for (const n of s.nodeLookup.values()) {
    const x = n.internals.positionAbsolute.x * k + tx;
    const y = n.internals.positionAbsolute.y * k + ty;
    const w = (n.measured.width ?? 0) * k;
    const h = (n.measured.height ?? 0) * k;
    if (x < 0 || y < 0 || x + w > s.width || y + h > s.height) return true;
  }
  return false;
};

function CanvasMiniMap() {
  return useStore(graphOverflows) ? (
    <MiniMap pannable zoomable nodeColor={minimapColor} nodeBorderRadius={0} nodeStrokeWidth={0} />
  ) : null;
}

function CanvasBackground() {
  return useStore(dotsVisible) ? <Background gap={20} /> : null;
}

/**
 * A wire dropped on a node's body rather than on a handle: connects to the node's first input (or,
 * dragging from an input, its first output) that accepts it. False when none does.
 */
function connectToBody(event: MouseEvent | TouchEvent, state: FinalConnectionState): boolean {
  const point = 'changedTouches' in event ? event.changedTouches[0] : event;
  if (!point || !state.fromNode || !state.fromHandle) return false;
  const el = document
    .elementsFromPoint(point.clientX, point.clientY)
    .map((e) => e.closest('.react-flow__node'))
    .find((e): e is Element => e !== null);
  const target = el?.getAttribute('data-id');
  const s = useStudio.getState();
  const node = target && target !== state.fromNode.id ? s.nodes.find((n) => n.id === target) : undefined;
  const def = node && definitionOf(node.data.type);
  if (!node || !def) return false;
  const from = { node: state.fromNode.id, port: state.fromHandle.id ?? '' };
  const fromSource = state.fromHandle.type === 'source';
  const ports = fromSource ? def.inputs : def.outputs;
  for (const p of ports) {
    const c: Connection = fromSource
      ? { source: from.node, sourceHandle: from.port, target: node.id, targetHandle: p.name }
      : { source: node.id, sourceHandle: p.name, target: from.node, targetHandle: from.port };
    if (!s.checkConnection(c).ok) continue;
    if (s.connect(c).ok) return true;
  }
  return false;
}

/** The pipeline canvas: drop nodes from the palette, wire typed ports, select, delete, pan and zoom. */
export function Canvas() {
  const nodes = useStudio((s) => s.nodes);
  const edges = useStudio((s) => s.edges);
  const onNodesChange = useStudio((s) => s.onNodesChange);
  const onEdgesChange = useStudio((s) => s.onEdgesChange);
  const hint = useStudio((s) => s.connectHint);
  const fitRequest = useStudio((s) => s.fitRequest);
  const { screenToFlowPosition } = useReactFlow();
  const fitAll = useFitAll();
  const viewCenter = useCallback(() => {
    const box = document.querySelector('.weft-canvas')?.getBoundingClientRect();
    return screenToFlowPosition({
      x: (box?.left ?? 0) + (box?.width ?? 600) / 2,
      y: (box?.top ?? 0) + (box?.height ?? 400) / 2,
    });
  }, [screenToFlowPosition]);
  useEffect(() => {
    if (fitRequest) requestAnimationFrame(() => fitAll());
  }, [fitRequest, fitAll]);

  const isValidConnection: IsValidConnection = useCallback((c: Connection | Edge) => {
    const s = useStudio.getState();
    const check = s.checkConnection(c);
    s.setConnectHint(check.ok ? null : check.reason);
    return check.ok;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const s = useStudio.getState();
    const r = s.connect(c);
    if (!r.ok) s.toast(`Connection refused: ${r.reason}`, 'error');
    s.setConnectHint(null);
  }, []);

  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    const s = useStudio.getState();
    if (!state.toHandle && state.fromNode && state.fromHandle && connectToBody(event, state)) {
      window.setTimeout(() => useStudio.getState().setConnectHint(null), 0);
      return;
    }
    if (s.connectHint) s.toast(`Connection refused: ${s.connectHint}`, 'error');
    window.setTimeout(() => useStudio.getState().setConnectHint(null), 0);
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(NODE_DRAG_MIME) || e.dataTransfer.types.includes('text/plain')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_DRAG_MIME) || e.dataTransfer.getData('text/plain');
      if (!type || !definitionOf(type)) return;
      e.preventDefault();
      const pos = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      useStudio.getState().addNode(type, { x: pos.x - 90, y: pos.y - 30 });
    },
    [screenToFlowPosition],
  );

  return (
    <div className="weft-canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<WeftFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDoubleClick={showNodeResults}
        deleteKeyCode={null}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionKeyCode="Shift"
        onlyRenderVisibleElements
        minZoom={0.05}
        maxZoom={2}
        defaultViewport={DEFAULT_VIEWPORT}
        proOptions={PRO_OPTIONS}
      >
        <CanvasBackground />
        <CanvasMiniMap />
        <Controls />
      </ReactFlow>
      {hint && (
        <div className="weft-connect-hint" role="alert" data-testid="connect-hint">
          {hint}
        </div>
      )}
      {nodes.length === 0 && <div className="weft-empty-hint">Drag nodes from the palette, or open an example.</div>}
      {nodes.length === 0 && <Welcome center={viewCenter} />}
    </div>
  );
}
