import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type XYPosition,
} from '@xyflow/react';
import type { StateCreator } from 'zustand';
import { edgeId, emptyDocument, validateGraph, type PipelineDocument, type ValidationResult } from '../../core/common';
import { checkConnection } from './connectionCheck';
import {
  nextNodeId,
  toDocument,
  toFlowEdges,
  toFlowNodes,
  type WeftFlowEdge,
  type WeftFlowNode,
} from './documentConvert';
import { definitionOf, registry } from './nodeCatalog';
import type { StudioState } from './useStudio';

interface Snapshot {
  nodes: WeftFlowNode[];
  edges: WeftFlowEdge[];
}

export interface OpenFile {
  path: string | null;
  revision: string | null;
  readOnly: boolean;
}

export interface GraphSlice {
  nodes: WeftFlowNode[];
  edges: WeftFlowEdge[];
  metadata: PipelineDocument['metadata'];
  validation: ValidationResult;
  file: OpenFile;
  dirty: boolean;
  past: Snapshot[];
  future: Snapshot[];
  clipboard: Snapshot | null;
  /** Replaces the canvas with a document (open, new, example, recovery). */
  loadDocument(doc: PipelineDocument, file: OpenFile, opts?: { dirty?: boolean }): void;
  markSaved(file: OpenFile): void;
  document(): PipelineDocument;
  addNode(type: string, position: XYPosition): string | undefined;
  onNodesChange(changes: NodeChange<WeftFlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<WeftFlowEdge>[]): void;
  connect(c: Connection): { ok: true } | { ok: false; reason: string };
  setParam(nodeId: string, key: string, value: unknown): void;
  setLabel(nodeId: string, label: string): void;
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

function validate(
  nodes: WeftFlowNode[],
  edges: WeftFlowEdge[],
  metadata: PipelineDocument['metadata'],
): ValidationResult {
  return validateGraph(toDocument(nodes, edges, metadata), registry);
}

/** The node without its estimated handles: React Flow keeps the measured ones from now on. */
function withoutEstimate(n: WeftFlowNode): WeftFlowNode {
  const { handles: _estimate, ...rest } = n;
  return rest;
}

/** Whether node changes alter the document beyond selection, measuring or an in-progress drag. */
function structural(changes: NodeChange[]): boolean {
  return changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace');
}

export const createGraphSlice: StateCreator<StudioState, [], [], GraphSlice> = (set, get) => {
  let lastParamEdit = { key: '', at: 0 };
  /** The next param edit starts a new undo step (after a load, an undo or a redo). */
  const breakEditRun = (): void => {
    lastParamEdit = { key: '', at: 0 };
  };
  /** Records the current graph for undo, then applies `next` and re-validates. */
  const commit = (next: Partial<Pick<GraphSlice, 'nodes' | 'edges'>>, opts: { history?: boolean } = {}): void => {
    const s = get();
    const nodes = next.nodes ?? s.nodes;
    const edges = next.edges ?? s.edges;
    set({
      ...(opts.history !== false
        ? { past: [...s.past.slice(-HISTORY + 1), { nodes: s.nodes, edges: s.edges }], future: [] }
        : {}),
      nodes,
      edges,
      validation: validate(nodes, edges, s.metadata),
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
      const nodes = toFlowNodes(doc);
      const edges = toFlowEdges(doc);
      set({
        nodes,
        edges,
        metadata: doc.metadata,
        file,
        dirty: opts.dirty ?? false,
        past: [],
        future: [],
        validation: validate(nodes, edges, doc.metadata),
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
      const def = definitionOf(type);
      if (!def) return undefined;
      const s = get();
      const id = nextNodeId(type, new Set(s.nodes.map((n) => n.id)));
      const node: WeftFlowNode = {
        id,
        type: 'weft',
        position,
        data: { type, version: def.version, params: {} },
        selected: true,
      };
      commit({ nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] });
      return id;
    },
    onNodesChange(changes) {
      const s = get();
      const measured = new Set(changes.flatMap((c) => (c.type === 'dimensions' ? [c.id] : [])));
      const nodes = applyNodeChanges(changes, s.nodes).map((n) =>
        n.handles && measured.has(n.id) ? withoutEstimate(n) : n,
      );
      if (structural(changes)) {
        const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
        commit({ nodes, edges: s.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) });
        return;
      }
      const dragEnd = changes.some((c) => c.type === 'position' && c.dragging === false);
      const dragStart = changes.some((c) => c.type === 'position' && c.dragging) && !s.nodes.some((n) => n.dragging);
      set({
        nodes,
        ...(dragStart ? { past: [...s.past.slice(-HISTORY + 1), { nodes: s.nodes, edges: s.edges }], future: [] } : {}),
        ...(dragEnd ? { dirty: true } : {}),
      });
    },
    onEdgesChange(changes) {
      const s = get();
      const edges = applyEdgeChanges(changes, s.edges);
      if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) commit({ edges });
      else set({ edges });
    },
    connect(c) {
      const s = get();
      const check = checkConnection(c, s.nodes, s.edges, s.validation);
      if (!check.ok) return check;
      const kept = s.edges.filter((e) => !(e.target === c.target && e.targetHandle === c.targetHandle));
      const id = edgeId({
        source: { node: c.source, port: c.sourceHandle ?? '' },
        target: { node: c.target, port: c.targetHandle ?? '' },
      });
      commit({ edges: addEdge({ ...c, id }, kept) });
      return { ok: true };
    },
    setParam(nodeId, key, value) {
      const s = get();
      const now = Date.now();
      const editKey = `${nodeId}\u0000${key}`;
      const history = editKey !== lastParamEdit.key || now - lastParamEdit.at > 1500;
      lastParamEdit = { key: editKey, at: now };
      commit(
        {
          nodes: s.nodes.map((n) => {
            if (n.id !== nodeId) return n;
            const params = { ...n.data.params };
            if (value === undefined) delete params[key];
            else params[key] = value;
            return { ...n, data: { ...n.data, params } };
          }),
        },
        { history },
      );
    },
    setLabel(nodeId, label) {
      const s = get();
      commit({
        nodes: s.nodes.map((n) =>
          n.id === nodeId ? { ...n, data: { ...n.data, ...(label ? { label } : { label: '' }) } } : n,
        ),
      });
    },
    deleteSelected() {
      const s = get();
      const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const edges = s.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
      if (!gone.size && edges.length === s.edges.length) return;
      commit({ nodes: s.nodes.filter((n) => !gone.has(n.id)), edges });
    },
    selectAll() {
      set({ nodes: get().nodes.map((n) => ({ ...n, selected: true })) });
    },
    selectOnly(nodeId) {
      set({
        nodes: get().nodes.map((n) => (n.selected === (n.id === nodeId) ? n : { ...n, selected: n.id === nodeId })),
      });
    },
    copySelection() {
      const s = get();
      const nodes = s.nodes.filter((n) => n.selected);
      const ids = new Set(nodes.map((n) => n.id));
      if (!nodes.length) return;
      set({ clipboard: { nodes, edges: s.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) } });
    },
    paste() {
      const s = get();
      const clip = s.clipboard;
      if (!clip) return;
      const taken = new Set(s.nodes.map((n) => n.id));
      const rename = new Map<string, string>();
      for (const n of clip.nodes) {
        const id = nextNodeId(n.data.type, taken);
        taken.add(id);
        rename.set(n.id, id);
      }
      const pasted = clip.nodes.map((n) => ({
        ...n,
        id: rename.get(n.id) as string,
        position: { x: n.position.x + 40, y: n.position.y + 40 },
        data: { ...n.data, params: structuredClone(n.data.params) },
        selected: true,
      }));
      const edges = clip.edges.map((e) => {
        const source = rename.get(e.source) as string;
        const target = rename.get(e.target) as string;
        return {
          ...e,
          source,
          target,
          selected: false,
          id: edgeId({
            source: { node: source, port: e.sourceHandle ?? '' },
            target: { node: target, port: e.targetHandle ?? '' },
          }),
        };
      });
      commit({ nodes: [...s.nodes.map((n) => ({ ...n, selected: false })), ...pasted], edges: [...s.edges, ...edges] });
      set({ clipboard: { nodes: pasted, edges } });
    },
    undo() {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      breakEditRun();
      set({
        past: s.past.slice(0, -1),
        future: [{ nodes: s.nodes, edges: s.edges }, ...s.future],
        nodes: prev.nodes,
        edges: prev.edges,
        validation: validate(prev.nodes, prev.edges, s.metadata),
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
        past: [...s.past, { nodes: s.nodes, edges: s.edges }],
        nodes: next.nodes,
        edges: next.edges,
        validation: validate(next.nodes, next.edges, s.metadata),
        dirty: true,
      });
    },
    setPositions(positions) {
      const s = get();
      commit({ nodes: s.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)) });
    },
  };
};
