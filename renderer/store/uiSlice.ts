import type { StateCreator } from 'zustand';
import { definitionOf } from './nodeCatalog';
import type { StudioState } from './useStudio';

export type BottomTab = 'run' | 'results' | 'runs' | 'serving';
export type Dialog =
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'examples' }
  | { kind: 'pickFile'; nodeId: string; param: string; extensions?: string[] }
  | null;

export interface Toast {
  id: number;
  text: string;
  level: 'info' | 'error';
}

export interface UiSlice {
  bottomTab: BottomTab;
  /** Whose results the Results tab shows. */
  resultsNode: string | null;
  paletteQuery: string;
  /** Why the connection being dragged is refused (shown while dragging and just after). */
  connectHint: string | null;
  toasts: Toast[];
  dialog: Dialog;
  connected: boolean;
  /** Bumped when a document is loaded: the canvas fits it into view. */
  fitRequest: number;
  /** The bottom panel (results, runs) fills the window. */
  bottomMaximized: boolean;
  setBottomMaximized(on: boolean): void;
  setBottomTab(tab: BottomTab): void;
  showResults(nodeId: string): void;
  setPaletteQuery(q: string): void;
  setConnectHint(text: string | null): void;
  toast(text: string, level?: Toast['level']): void;
  dismissToast(id: number): void;
  openDialog(d: Dialog): void;
  setConnected(c: boolean): void;
  /** After a run: show the results of the selected node, else of the last node that has any. */
  onRunFinished(): void;
}

let toastIds = 0;

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set, get) => ({
  bottomTab: 'run',
  resultsNode: null,
  paletteQuery: '',
  connectHint: null,
  toasts: [],
  dialog: null,
  connected: false,
  fitRequest: 0,
  bottomMaximized: false,
  setBottomMaximized: (bottomMaximized) => set({ bottomMaximized }),
  setBottomTab: (bottomTab) => set({ bottomTab }),
  showResults(nodeId) {
    set({ resultsNode: nodeId, bottomTab: 'results' });
    void get().fetchResult(nodeId);
  },
  setPaletteQuery: (paletteQuery) => set({ paletteQuery }),
  setConnectHint: (connectHint) => {
    if (get().connectHint !== connectHint) set({ connectHint });
  },
  toast(text, level = 'info') {
    const id = ++toastIds;
    set({ toasts: [...get().toasts.slice(-3), { id, text, level }] });
    setTimeout(() => get().dismissToast(id), level === 'error' ? 8000 : 4000);
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  openDialog: (dialog) => set({ dialog }),
  setConnected: (connected) => set({ connected }),
  onRunFinished() {
    const s = get();
    const selected = s.nodes.find((n) => n.selected && s.nodeRun[n.id]?.summary !== undefined);
    const withOut = new Set(s.edges.map((e) => e.source));
    const produced = s.nodes.filter((n) => ['done', 'cached'].includes(s.nodeRun[n.id]?.status ?? ''));
    const sink = [...produced].reverse().find((n) => !withOut.has(n.id));
    const evaluation = [...produced].reverse().find((n) => definitionOf(n.data.type)?.category === 'Evaluate');
    const target = evaluation ?? selected ?? sink;
    if (target) get().showResults(target.id);
  },
});
