import { create } from 'zustand';
import { MAX_BATCH_NODES, type UpstreamColumns } from '../../core/common';
import { engineClient } from '../engine/client';
import { definitionOf } from '../store/nodeCatalog';
import { useStudio, type StudioState } from '../store/useStudio';
import { paramFields } from './paramFields';

/** The columns each node's input table holds, as last read from the engine. */
export const useColumns = create<{ byNode: Record<string, UpstreamColumns> }>()(() => ({ byNode: {} }));

/** The keys of a node type's params that name columns of its input table. */
export function columnParams(type: string): string[] {
  const def = definitionOf(type);
  return def ? paramFields(def).flatMap((f) => (f.kind === 'column' || f.kind === 'columns' ? [f.key] : [])) : [];
}

/** Column names a node's params give that its input table does not have. */
export function unknownColumns(
  type: string,
  params: Record<string, unknown>,
  cols: UpstreamColumns | undefined,
): string[] {
  if (!cols?.ok) return [];
  const known = new Set(cols.columns.map((c) => c.name));
  const named = columnParams(type).flatMap((k) => {
    const v = params[k];
    return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  });
  return named.filter((n) => n !== '' && !known.has(n));
}

function watchKey(s: StudioState): string {
  return JSON.stringify([
    s.file.path,
    s.nodes.map((n) => [n.id, n.data.type, n.data.params]),
    s.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle]),
  ]);
}

/**
 * False when `s` has the same file, edges and node ids/data objects as `seen` (a drag, a selection):
 * then its watch key cannot differ, and is not rebuilt on every frame.
 */
function graphMayDiffer(seen: Pick<StudioState, 'nodes' | 'edges'> & { path: string | null }, s: StudioState): boolean {
  if (s.file.path !== seen.path || s.edges !== seen.edges || s.nodes.length !== seen.nodes.length) return true;
  if (s.nodes === seen.nodes) return false;
  for (let i = 0; i < s.nodes.length; i++) {
    if (s.nodes[i].id !== seen.nodes[i].id || s.nodes[i].data !== seen.nodes[i].data) return true;
  }
  return false;
}

/**
 * Reads the input columns of every node with column params a moment after the graph changes, in one
 * request for the whole graph (the engine runs each upstream node once, cached), so pickers and
 * unknown-column flags follow the data.
 */
export function startColumnWatch(delayMs = 400): () => void {
  let timer: number | undefined;
  let last = '';
  let generation = 0;
  const refresh = async (): Promise<void> => {
    const mine = ++generation;
    const s = useStudio.getState();
    const doc = s.document();
    const targets = doc.nodes.filter((n) => columnParams(n.type).length > 0).map((n) => n.id);
    const byNode: Record<string, UpstreamColumns> = {};
    for (let i = 0; i < targets.length; i += MAX_BATCH_NODES) {
      const ids = targets.slice(i, i + MAX_BATCH_NODES);
      try {
        const got = await engineClient().invoke('engine.columnsBatch', {
          document: doc,
          nodeIds: ids,
          ...(s.file.path ? { documentPath: s.file.path } : {}),
        });
        ids.forEach((id, k) => (byNode[id] = got[k] ?? { ok: false, reason: 'the engine did not answer' }));
      } catch (e) {
        for (const id of ids) byNode[id] = { ok: false, reason: (e as Error).message };
      }
      if (mine !== generation) return;
    }
    useColumns.setState({ byNode });
  };
  let seen: Pick<StudioState, 'nodes' | 'edges'> & { path: string | null } = { nodes: [], edges: [], path: null };
  const check = (s: StudioState): void => {
    if (!graphMayDiffer(seen, s)) return;
    seen = { nodes: s.nodes, edges: s.edges, path: s.file.path };
    const key = watchKey(s);
    if (key === last) return;
    last = key;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), delayMs);
  };
  check(useStudio.getState());
  const unsub = useStudio.subscribe(check);
  return () => {
    unsub();
    window.clearTimeout(timer);
  };
}
