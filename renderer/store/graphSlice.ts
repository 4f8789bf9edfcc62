import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from '@xyflow/react';
import type { StateCreator } from 'zustand';
import {
  addNode,
  checkConnection,
  connect,
  copyFragment,
  emptyDocument,
  moveNodes,
  pasteFragment,
  removeElements,
  setLabel,
  setParam,
  setPipelineName,
  validateGraph,
  type ConnectionAttempt,
  type ConnectResult,
  type GraphFragment,
  type PipelineDocument,
  type ValidationResult,
} from '../../core/common';
import { toDocument, toFlowEdges, toFlowNodes, type WeftFlowEdge, type WeftFlowNode } from './documentConvert';
import { registry } from './nodeCatalog';
import type { StudioState } from './useStudio';

export interface OpenFile {
  path: string | null;
  revision: string | null;
  readOnly: boolean;
}

export interface GraphSlice {
  /** The canvas nodes: the document's nodes with their view state (selection, measured size, drag). */
  nodes: WeftFlowNode[];
  edges: WeftFlowEdge[];
  metadata: PipelineDocument['metadata'];
  validation: ValidationResult;
  file: OpenFile;
  dirty: boolean;
  /** Undo history: documents only (nodes, edges, params, positions, metadata), never view state. */
  past: PipelineDocument[];
  future: PipelineDocument[];
  clipboard: GraphFragment | null;
  /** Replaces the canvas with a document (open, new, example, recovery). */
  loadDocument(doc: PipelineDocument, file: OpenFile, opts?: { dirty?: boolean }): void;
  markSaved(file: OpenFile): void;
  document(): PipelineDocument;
  addNode(type: string, position: XYPosition): string | undefined;
  onNodesChange(changes: NodeChange<WeftFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<WeftFlowEdge>[]): void;
  /** Whether the connection being dragged may be made (the canvas shows the reason when not). */
  checkConnection(c: Connection | WeftFlowEdge): ConnectResult;
  connect(c: Connection): ConnectResult;
  setParam(nodeId: string, key: string, value: unknown): void;
  setLabel(nodeId: string, label: string): void;
  /** Names the pipeline (`metadata.name`): runs list it under this name. */
  setPipelineName(name: string): void;
  deleteSelected(): void;
  selectAll(): void;
  selectOnly(nodeId: string): void;
  copySelection(): void;
  paste(): void;
  undo(): void;
  redo(): void;
  setPositions(positions: Record<string, XYPosition>): void;
}

const HISTORY = 100;

/** The node without its estimated handles: React Flow keeps the measured ones from now on. */
function withoutEstimate(n: WeftFlowNode): WeftFlowNode {
  const { handles: _estimate, ...rest } = n;
  return rest;
}

function attempt(c: Connection | WeftFlowEdge): ConnectionAttempt {
  return {
    source: { node: c.source, port: c.sourceHandle ?? '' },
    target: { node: c.target, port: c.targetHandle ?? '' },
  };
}

interface CommitOptions {
  /** Record the current document for undo. @default true */
  history?: boolean;
  /** The node ids to select instead of keeping the selection. */
  select?: ReadonlySet<string>;
  /** The view state to carry over, when the canvas already changed it (a removal from React Flow). */
  view?: { nodes: WeftFlowNode[]; edges: WeftFlowEdge[] };
}

export const createGraphSlice: StateCreator<StudioState, [], [], GraphSlice> = (set, get) => {
  let lastParamEdit = { key: '', at: 0 };
  /** The next param edit starts a new undo step (after a load, an undo or a redo). */
  const breakEditRun = (): void => {
    lastParamEdit = { key: '', at: 0 };
  };
  /** The canvas state showing `doc`, view state carried over from `view`. */
  const show = (
    doc: PipelineDocument,
    view: { nodes: WeftFlowNode[]; edges: WeftFlowEdge[] },
    select?: ReadonlySet<string>,
  ): Pick<GraphSlice, 'nodes' | 'edges' | 'metadata' | 'validation'> => ({
    nodes: toFlowNodes(doc, view.nodes, select),
    edges: toFlowEdges(doc, view.edges),
    metadata: doc.metadata,
    validation: validateGraph(doc, registry),
  });
  /** Records the current document for undo, then shows `next`. */
  const commit = (next: PipelineDocument, opts: CommitOptions = {}): void => {
    const s = get();
    set({
      ...(opts.history !== false ? { past: [...s.past.slice(-HISTORY + 1), s.document()], future: [] } : {}),
      ...show(next, opts.view ?? s, opts.select),
      dirty: true,
    });
  };

  const empty = emptyDocument();
  return {
    nodes: [],
    edges: [],
    metadata: empty.metadata,
    validation: validateGraph(empty, registry),
    file: { path: null, revision: null, readOnly: false },
    dirty: false,
    past: [],
    future: [],
    clipboard: null,

    loadDocument(doc, file, opts = {}) {
      breakEditRun();
      set({
        ...show(doc, { nodes: [], edges: [] }),
        file,
        dirty: opts.dirty ?? false,
        past: [],
        future: [],
        fitRequest: get().fitRequest + 1,
      });
      get().resetRun();
    },
    markSaved(file) {
      set({ file, dirty: false });
    },
    document() {
      const s = get();
      return toDocument(s.nodes, s.edges, s.metadata);
    },
    addNode(type, position) {
      const r = addNode(get().document(), registry, type, position);
      if (!r.ok) return undefined;
      commit(r.document, { select: new Set([r.id]) });
      return r.id;
    },
    onNodesChange(changes) {
      const s = get();
      const measured = new Set(changes.flatMap((c) => (c.type === 'dimensions' ? [c.id] : [])));
      const applied = applyNodeChanges(changes, s.nodes);
      const nodes = measured.size
        ? applied.map((n) => (n.handles && measured.has(n.id) ? withoutEstimate(n) : n))
        : applied;
      if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) {
        const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
        const changed = toDocument(nodes, s.edges, s.metadata);
        commit(removeElements(changed, { nodes: removed }), { view: { nodes, edges: s.edges } });
        return;
      }
      const dragEnd = changes.some((c) => c.type === 'position' && c.dragging === false);
      const dragStart = changes.some((c) => c.type === 'position' && c.dragging) && !s.nodes.some((n) => n.dragging);
      set({
        nodes,
        ...(dragStart ? { past: [...s.past.slice(-HISTORY + 1), s.document()], future: [] } : {}),
        ...(dragEnd ? { dirty: true } : {}),
      });
    },
    onEdgesChange(changes) {
      const s = get();
      const edges = applyEdgeChanges(changes, s.edges);
      if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) {
        commit(toDocument(s.nodes, edges, s.metadata), { view: { nodes: s.nodes, edges } });
      } else set({ edges });
    },
    checkConnection(c) {
      const s = get();
      return checkConnection(s.document(), registry, attempt(c), s.validation.types);
    },
    connect(c) {
      const s = get();
      const doc = s.document();
      const r = connect(doc, registry, attempt(c), s.validation.types);
      if (!r.ok) return r;
      if (r.document !== doc) commit(r.document);
      return { ok: true };
    },
    setParam(nodeId, key, value) {
      const now = Date.now();
      const editKey = `${nodeId}\u0000${key}`;
      const history = editKey !== lastParamEdit.key || now - lastParamEdit.at > 1500;
      lastParamEdit = { key: editKey, at: now };
      commit(setParam(get().document(), nodeId, key, value), { history });
    },
    setLabel(nodeId, label) {
      commit(setLabel(get().document(), nodeId, label));
    },
    setPipelineName(name) {
      const doc = get().document();
      const next = setPipelineName(doc, name);
      if (next !== doc) commit(next);
    },
    deleteSelected() {
      const s = get();
      const nodes = s.nodes.filter((n) => n.selected).map((n) => n.id);
      const edges = s.edges.filter((e) => e.selected).map((e) => e.id);
      const doc = s.document();
      const next = removeElements(doc, { nodes, edges });
      if (next.nodes.length === doc.nodes.length && next.edges.length === doc.edges.length) return;
      commit(next);
    },
    selectAll() {
      set({ nodes: get().nodes.map((n) => (n.selected ? n : { ...n, selected: true })) });
    },
    selectOnly(nodeId) {
      set({
        nodes: get().nodes.map((n) => (n.selected === (n.id === nodeId) ? n : { ...n, selected: n.id === nodeId })),
      });
    },
    copySelection() {
      const s = get();
      const clip = copyFragment(
        s.document(),
        s.nodes.filter((n) => n.selected).map((n) => n.id),
      );
      if (clip) set({ clipboard: clip });
    },
    paste() {
      const clip = get().clipboard;
      if (!clip) return;
      const { document, pasted } = pasteFragment(get().document(), clip);
      commit(document, { select: new Set(pasted.nodes.map((n) => n.id)) });
      set({ clipboard: pasted });
    },
    undo() {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      breakEditRun();
      set({
        past: s.past.slice(0, -1),
        future: [s.document(), ...s.future],
        ...show(prev, s),
        dirty: true,
      });
    },
    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      breakEditRun();
      set({
        future: s.future.slice(1),
        past: [...s.past, s.document()],
        ...show(next, s),
        dirty: true,
      });
    },
    setPositions(positions) {
      commit(moveNodes(get().document(), positions));
    },
  };
};
