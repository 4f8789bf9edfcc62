import { emptyDocument, loadDocument, serializeDocument, type OpenedFile } from '../../core/common';
import { EngineRequestError } from '../engine/EngineClient';
import { engineClient } from '../engine/client';
import { registry } from '../store/nodeCatalog';
import { useStudio } from '../store/useStudio';

const LAST_FILE_KEY = 'weft.lastFile';

/** Asks before throwing away unsaved changes. */
export function confirmDiscard(): boolean {
  return !useStudio.getState().dirty || window.confirm('Discard unsaved changes to this pipeline?');
}

export function newDocument(): void {
  if (!confirmDiscard()) return;
  useStudio.getState().loadDocument(emptyDocument('Untitled'), { path: null, revision: null, readOnly: false });
  localStorage.removeItem(LAST_FILE_KEY);
  void engineClient().invoke('recovery.clear', {});
}

function show(opened: OpenedFile, opts: { dirty?: boolean } = {}): boolean {
  const loaded = loadDocument(opened.text, registry);
  const s = useStudio.getState();
  if (!loaded.ok) {
    s.toast(`${opened.path}: ${loaded.errors.join('; ')}`, 'error');
    return false;
  }
  s.loadDocument(loaded.document, { path: opened.path, revision: opened.revision, readOnly: opened.readOnly ?? false }, opts);
  for (const w of loaded.warnings) s.toast(w);
  if (!opened.readOnly) localStorage.setItem(LAST_FILE_KEY, opened.path);
  return true;
}

export async function openPath(path: string, typed = false): Promise<boolean> {
  try {
    return show(await engineClient().invoke('pipeline.read', { path, typed }));
  } catch (e) {
    useStudio.getState().toast(`Cannot open ${path}: ${(e as Error).message}`, 'error');
    return false;
  }
}

export async function openExample(name: string): Promise<void> {
  if (!confirmDiscard()) return;
  try {
    show(await engineClient().invoke('examples.read', { name }));
  } catch (e) {
    useStudio.getState().toast(`Cannot open example ${name}: ${(e as Error).message}`, 'error');
  }
}

async function write(path: string, baseRevision: string | null, typed: boolean): Promise<boolean> {
  const s = useStudio.getState();
  const doc = s.document();
  const named = { ...doc, metadata: { ...doc.metadata, modified: new Date().toISOString() } };
  try {
    const saved = await engineClient().invoke('pipeline.write', { path, text: serializeDocument(named), baseRevision, typed });
    useStudio.getState().markSaved({ path: saved.path, revision: saved.revision, readOnly: false });
    localStorage.setItem(LAST_FILE_KEY, saved.path);
    await engineClient().invoke('recovery.clear', {});
    s.toast(`Saved ${saved.path}`);
    return true;
  } catch (e) {
    const conflict = e instanceof EngineRequestError && e.status === 409;
    s.toast(conflict ? `Not saved: ${e.message}` : `Could not save ${path}: ${(e as Error).message}`, 'error');
    return false;
  }
}

/** Save: to the open file with its revision, or ask for a name first. */
export async function save(): Promise<boolean> {
  const { file, openDialog } = useStudio.getState();
  if (!file.path || file.readOnly) {
    openDialog({ kind: 'saveAs' });
    return false;
  }
  return write(file.path, file.revision, false);
}

export async function saveAs(path: string, typed: boolean): Promise<boolean> {
  const name = path.endsWith('.weft.json') ? path : `${path.replace(/\.json$/, '')}.weft.json`;
  return write(name, null, typed);
}

/**
 * On start: reopen the last file (this browser's, else the server's most recent), and offer the
 * recovery file when it holds unsaved work.
 */
export async function restoreOnStart(): Promise<{ recovery: { text: string; path: string | null; savedAt: number } | null }> {
  const client = engineClient();
  const last = localStorage.getItem(LAST_FILE_KEY);
  const recovery = client.invoke('recovery.read', {}).catch(() => null);
  if (last) await openPath(last);
  return { recovery: await recovery };
}

export function restoreRecovery(r: { text: string; path: string | null }): void {
  const loaded = loadDocument(r.text, registry);
  if (!loaded.ok) return;
  const s = useStudio.getState();
  const sameFile = r.path !== null && r.path === s.file.path;
  s.loadDocument(loaded.document, sameFile ? s.file : { path: null, revision: null, readOnly: false }, { dirty: true });
}

/** Writes the document to the recovery file a moment after each change while it is unsaved. */
export function startAutosave(delayMs = 1500): () => void {
  let timer: number | undefined;
  const unsub = useStudio.subscribe((s, prev) => {
    if (!s.dirty || (s.nodes === prev.nodes && s.edges === prev.edges)) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const now = useStudio.getState();
      if (!now.dirty) return;
      void engineClient()
        .invoke('recovery.write', { text: serializeDocument(now.document()), path: now.file.path })
        .catch(() => undefined);
    }, delayMs);
  });
  const guard = (e: BeforeUnloadEvent): void => {
    if (useStudio.getState().dirty) e.preventDefault();
  };
  window.addEventListener('beforeunload', guard);
  return () => {
    unsub();
    window.removeEventListener('beforeunload', guard);
  };
}
