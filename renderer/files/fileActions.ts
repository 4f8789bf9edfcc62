import {
  emptyDocument,
  isAbsolutePath,
  loadDocument,
  rebaseForCopy,
  resolvePath,
  serializeDocument,
  setPipelineName,
  type OpenedFile,
  type PipelineDocument,
} from '../../core/common';
import { EngineRequestError } from '../engine/EngineClient';
import { engineClient } from '../engine/client';
import { callDesktop, desktopApi } from '../engine/ipcTransport';
import { registry } from '../store/nodeCatalog';
import { useStudio } from '../store/useStudio';

const LAST_FILE_KEY = 'weft.lastFile';

/** Asks before throwing away unsaved changes. */
export function confirmDiscard(): boolean {
  return !useStudio.getState().dirty || window.confirm('Discard unsaved changes to this pipeline?');
}

export function newDocument(): void {
  if (!confirmDiscard()) return;
  useStudio.getState().loadDocument(emptyDocument(), { path: null, revision: null, readOnly: false });
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
  s.loadDocument(
    loaded.document,
    { path: opened.path, revision: opened.revision, readOnly: opened.readOnly ?? false },
    opts,
  );
  for (const w of loaded.warnings) s.toast(w);
  if (!opened.readOnly) localStorage.setItem(LAST_FILE_KEY, opened.path);
  return true;
}

/** A pipeline the desktop shell opened (File > Open, Open Recent, the OS, a drop): asks before discarding unsaved changes. */
export function openDelivered(opened: OpenedFile): boolean {
  if (!confirmDiscard()) return false;
  return show(opened);
}

/** Open…: a native dialog in the desktop app, else the workspace browser. Asks before discarding unsaved changes. */
export async function openPipeline(): Promise<boolean> {
  if (!confirmDiscard()) return false;
  const api = desktopApi();
  if (!api) {
    useStudio.getState().openDialog({ kind: 'open' });
    return false;
  }
  try {
    const opened = await callDesktop(api, 'dialog.openPipeline', {});
    return opened ? show(opened) : false;
  } catch (e) {
    useStudio.getState().toast(`Cannot open the pipeline: ${(e as Error).message}`, 'error');
    return false;
  }
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

/** The document as it is written: the file text with the modification time. */
function savedText(doc = useStudio.getState().document()): string {
  return serializeDocument({ ...doc, metadata: { ...doc.metadata, modified: new Date().toISOString() } });
}

async function saved(file: { path: string; revision: string }): Promise<true> {
  const s = useStudio.getState();
  s.markSaved({ path: file.path, revision: file.revision, readOnly: false });
  localStorage.setItem(LAST_FILE_KEY, file.path);
  await engineClient().invoke('recovery.clear', {});
  s.toast(`Saved ${file.path}`);
  return true;
}

function notSaved(e: unknown, what: string): false {
  const conflict = e instanceof EngineRequestError && e.status === 409;
  useStudio
    .getState()
    .toast(conflict ? `Not saved: ${e.message}` : `Could not save ${what}: ${(e as Error).message}`, 'error');
  return false;
}

async function write(
  path: string,
  baseRevision: string | null,
  typed: boolean,
  doc?: PipelineDocument,
  beforeSaved?: () => void,
): Promise<boolean> {
  try {
    const file = await engineClient().invoke('pipeline.write', { path, text: savedText(doc), baseRevision, typed });
    beforeSaved?.();
    return await saved(file);
  } catch (e) {
    return notSaved(e, path);
  }
}

/**
 * Browse… for a file param: a native dialog in the desktop app (a save dialog for a file the node
 * writes; the path comes back relative to the pipeline's folder when it lies there), else the
 * workspace browser.
 */
export async function pickParamPath(
  nodeId: string,
  param: string,
  opts: { extensions?: string[]; save?: boolean } = {},
): Promise<string | null> {
  const s = useStudio.getState();
  const api = desktopApi();
  if (!api) {
    s.openDialog({ kind: 'pickFile', nodeId, param, ...(opts.extensions ? { extensions: opts.extensions } : {}) });
    return null;
  }
  try {
    const picked = await callDesktop(api, 'dialog.pickPath', {
      purpose: opts.save ? 'export' : 'dataset',
      ...(opts.extensions ? { extensions: opts.extensions } : {}),
      ...(s.file.path && !s.file.readOnly ? { relativeTo: s.file.path } : {}),
    });
    if (picked !== null) useStudio.getState().setParam(nodeId, param, picked);
    return picked;
  } catch (e) {
    s.toast(`Cannot choose a file for ${param}: ${(e as Error).message}`, 'error');
    return null;
  }
}

/** The file name Save As suggests: the open file's, else the pipeline's name. */
function suggestedName(): string {
  const s = useStudio.getState();
  const base = s.file.path?.split(/[\\/]/).pop() ?? `${s.metadata.name || 'pipeline'}`;
  return base.endsWith('.weft.json') ? base : `${base.replace(/\.json$/i, '').replace(/[^\w .-]+/g, '_')}.weft.json`;
}

/** Save As…: the native save dialog in the desktop app (false when cancelled), else the Save As form. */
export async function startSaveAs(): Promise<boolean> {
  const api = desktopApi();
  if (!api) {
    useStudio.getState().openDialog({ kind: 'saveAs' });
    return false;
  }
  const from = useStudio.getState().file.path;
  try {
    const file = await callDesktop(api, 'dialog.savePipeline', {
      text: savedText(),
      suggestedName: suggestedName(),
      ...(from ? { from } : {}),
    });
    if (!file) return false;
    if (file.text !== undefined) {
      const written = loadDocument(file.text, registry);
      if (written.ok) applyParams(useStudio.getState().document(), written.document);
    }
    return await saved(file);
  } catch (e) {
    return notSaved(e, 'the pipeline');
  }
}

/** Save: to the open file with its revision, or ask for a name first. */
export async function save(): Promise<boolean> {
  const { file } = useStudio.getState();
  if (!file.path || file.readOnly) return startSaveAs();
  return write(file.path, file.revision, false);
}

/**
 * Rewrites the relative paths the open pipeline reads so that, saved at `target`, it still reads the
 * same files (a copy of an example keeps reading the example's data).
 */
async function rebasedDocument(target: string): Promise<{ doc: PipelineDocument; apply: () => void }> {
  const s = useStudio.getState();
  const doc = s.document();
  const from = s.file.path;
  const unchanged = { doc, apply: () => undefined };
  if (!from) return unchanged;
  let workspace: string;
  try {
    workspace = (await engineClient().invoke('host.info', {})).workspace;
  } catch {
    return unchanged;
  }
  const abs = (p: string): string => (isAbsolutePath(p) ? resolvePath('/', p) : resolvePath(workspace, p));
  const rebased = rebaseForCopy(doc, registry, { from: abs(from), to: abs(target), workspace });
  return { doc: rebased, apply: () => applyParams(doc, rebased) };
}

/** Puts onto the canvas the params a saved copy changed (its rewritten data paths). */
function applyParams(before: PipelineDocument, after: PipelineDocument): void {
  for (const n of after.nodes) {
    const was = before.nodes.find((m) => m.id === n.id);
    for (const [key, value] of Object.entries(n.params))
      if (was && was.params[key] !== value) useStudio.getState().setParam(n.id, key, value);
  }
}

/** The name a pipeline saved as `file` gets when it has none: the file's name without its extension. */
export function nameFromFile(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.weft\.json$|\.json$/i, '');
}

export async function saveAs(path: string, typed: boolean): Promise<boolean> {
  const name = path.endsWith('.weft.json') ? path : `${path.replace(/\.json$/, '')}.weft.json`;
  const { doc, apply } = await rebasedDocument(name);
  const unnamed = !doc.metadata.name || doc.metadata.name === 'Untitled';
  const named = unnamed ? setPipelineName(doc, nameFromFile(name)) : doc;
  return write(name, null, typed, named, () => {
    apply();
    if (unnamed) useStudio.getState().setPipelineName(nameFromFile(name));
  });
}

/**
 * On start: reopen the last file (this browser's, else the server's most recent), and offer the
 * recovery file when it holds unsaved work.
 */
export async function restoreOnStart(): Promise<{
  recovery: { text: string; path: string | null; savedAt: number } | null;
}> {
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
