import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  emptyDocument,
  loadDocument,
  serializeDocument,
  type IpcEventMap,
  type PipelineDocument,
  type StudioChannel,
  type WeftDesktopApi,
} from '../../../../core/common';
import { startDesktopShell } from '../../../../renderer/desktop/desktopShell';
import { setEngineClient } from '../../../../renderer/engine/client';
import { openPipeline, pickParamPath, save, startSaveAs } from '../../../../renderer/files/fileActions';
import { registry } from '../../../../renderer/store/nodeCatalog';
import { useStudio } from '../../../../renderer/store/useStudio';

type Call = { channel: string; params: unknown };

/** A stand-in for the preload's `window.weft`: records invokes, answers from `answers`, emits events on demand. */
function fakeDesktop(answers: Record<string, unknown> = {}) {
  const calls: Call[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: WeftDesktopApi = {
    invoke: (channel, params) => {
      calls.push({ channel, params });
      return Promise.resolve({ ok: true, result: (answers[channel] ?? null) as never });
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener as (p: unknown) => void);
      return () => void set.delete(listener as (p: unknown) => void);
    },
    pathForFile: () => '',
  };
  const emit = <E extends keyof IpcEventMap>(channel: E, payload: IpcEventMap[E]): void => {
    for (const l of listeners.get(channel) ?? []) l(payload);
  };
  const listenerCount = (): number => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return {
    api,
    calls,
    emit,
    listenerCount,
    of: (channel: string) => calls.filter((c) => c.channel === channel).map((c) => c.params),
  };
}

/** The engine/host transport: records calls; `pipeline.write` answers with the path it was given. */
function fakeEngine() {
  const calls: Call[] = [];
  setEngineClient({
    invoke: <C extends StudioChannel>(channel: C, params: unknown) => {
      calls.push({ channel, params });
      const result =
        channel === 'pipeline.write' ? { path: (params as { path: string }).path, revision: 'rev-2' } : null;
      return Promise.resolve(result as never);
    },
    onEvent: () => () => undefined,
  });
  return { calls, of: (channel: string) => calls.filter((c) => c.channel === channel).map((c) => c.params) };
}

function pipelineText(name: string): string {
  const doc: PipelineDocument = {
    ...emptyDocument(name),
    nodes: [{ id: 'csv_1', type: 'data.csv', version: 1, params: { path: 'iris.csv' }, position: { x: 0, y: 0 } }],
  };
  return serializeDocument(doc);
}

const s = () => useStudio.getState();
const initial = useStudio.getState();
let confirmAnswer = true;
const confirm = vi.fn(() => confirmAnswer);
let stop: (() => void) | undefined;

beforeEach(() => {
  useStudio.setState(initial, true);
  confirmAnswer = true;
  confirm.mockClear();
  const stored = new Map<string, string>();
  vi.stubGlobal('window', { confirm });
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
    removeItem: (k: string) => void stored.delete(k),
  });
});

afterEach(() => {
  stop?.();
  stop = undefined;
  vi.unstubAllGlobals();
});

/** Installs the fake as `window.weft` and binds the shell to it. */
function desktop(answers: Record<string, unknown> = {}) {
  const fake = fakeDesktop(answers);
  vi.stubGlobal('weft', fake.api);
  stop = startDesktopShell(fake.api);
  return fake;
}

describe('native menu commands', () => {
  it('Run and Cancel call the store run and cancel actions', () => {
    const run = vi.fn(() => Promise.resolve());
    const cancel = vi.fn(() => Promise.resolve());
    useStudio.setState({ run, cancel });
    const d = desktop();
    d.emit('menu.command', { command: 'run' });
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith();
    expect(cancel).not.toHaveBeenCalled();
    d.emit('menu.command', { command: 'cancel' });
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('Run sends the canvas document to the engine', async () => {
    const engine = fakeEngine();
    s().addNode('data.csv', { x: 10, y: 20 });
    const d = desktop();
    d.emit('menu.command', { command: 'run' });
    await vi.waitFor(() => expect(engine.of('engine.run')).toHaveLength(1));
    const sent = engine.of('engine.run')[0] as { document: PipelineDocument };
    expect(sent.document.nodes.map((n) => n.type)).toEqual(['data.csv']);
  });

  it('New asks before discarding unsaved changes and keeps the pipeline when refused', () => {
    const engine = fakeEngine();
    s().addNode('data.csv', { x: 0, y: 0 });
    const d = desktop();
    confirmAnswer = false;
    d.emit('menu.command', { command: 'new' });
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(s().nodes).toHaveLength(1);
    confirmAnswer = true;
    d.emit('menu.command', { command: 'new' });
    expect(s().nodes).toHaveLength(0);
    expect(s().dirty).toBe(false);
    expect(engine.of('recovery.clear')).toHaveLength(1);
  });

  it('Save writes the open file over the engine transport with its revision', async () => {
    const engine = fakeEngine();
    const d = desktop();
    s().loadDocument(emptyDocument('x'), { path: '/home/me/a.weft.json', revision: 'rev-1', readOnly: false });
    s().addNode('data.csv', { x: 0, y: 0 });
    d.emit('menu.command', { command: 'save' });
    await vi.waitFor(() => expect(s().dirty).toBe(false));
    expect(engine.of('pipeline.write')).toEqual([
      expect.objectContaining({ path: '/home/me/a.weft.json', baseRevision: 'rev-1' }),
    ]);
    expect(d.of('dialog.savePipeline')).toHaveLength(0);
    expect(s().file.revision).toBe('rev-2');
  });

  it('Save As goes through the native save dialog, and the saved file becomes the open one', async () => {
    const engine = fakeEngine();
    const d = desktop({ 'dialog.savePipeline': { path: '/home/me/picked.weft.json', revision: 'r9' } });
    s().addNode('data.csv', { x: 0, y: 0 });
    d.emit('menu.command', { command: 'saveAs' });
    await vi.waitFor(() =>
      expect(s().file).toEqual({ path: '/home/me/picked.weft.json', revision: 'r9', readOnly: false }),
    );
    expect(s().dirty).toBe(false);
    const [params] = d.of('dialog.savePipeline') as { text: string; suggestedName?: string }[];
    const written = loadDocument(params?.text ?? '', registry);
    expect(written.ok && written.document.nodes.map((n) => n.type)).toEqual(['data.csv']);
    expect(params?.suggestedName).toMatch(/\.weft\.json$/);
    expect(engine.of('pipeline.write')).toHaveLength(0);
    expect(s().dialog).toBeNull();
    expect(s().toasts.map((t) => t.text)).toContain('Saved /home/me/picked.weft.json');
  });

  it('Save As of an open file sends where it was, and the canvas takes the data paths main rewrote', async () => {
    fakeEngine();
    s().loadDocument(emptyDocument('x'), { path: '/opt/weft/examples/ex.weft.json', revision: 'r', readOnly: true });
    const id = s().addNode('data.csv', { x: 0, y: 0 })!;
    s().setParam(id, 'path', '../data/iris.csv');
    const rewritten = s().document();
    const written = serializeDocument({
      ...rewritten,
      nodes: rewritten.nodes.map((n) =>
        n.id === id ? { ...n, params: { ...n.params, path: '/opt/weft/data/iris.csv' } } : n,
      ),
    });
    const d = desktop({ 'dialog.savePipeline': { path: 'copy.weft.json', revision: 'r2', text: written } });
    d.emit('menu.command', { command: 'saveAs' });
    await vi.waitFor(() => expect(s().file).toEqual({ path: 'copy.weft.json', revision: 'r2', readOnly: false }));
    const [params] = d.of('dialog.savePipeline') as { from?: string }[];
    expect(params?.from).toBe('/opt/weft/examples/ex.weft.json');
    expect(s().nodes.find((n) => n.id === id)?.data.params['path']).toBe('/opt/weft/data/iris.csv');
    expect(s().dirty).toBe(false);
  });

  it('Save of a never-saved pipeline asks for a name in the native dialog; cancelling keeps it unsaved', async () => {
    fakeEngine();
    const d = desktop({ 'dialog.savePipeline': null });
    s().addNode('data.csv', { x: 0, y: 0 });
    expect(await save()).toBe(false);
    expect(d.of('dialog.savePipeline')).toHaveLength(1);
    expect(s().dirty).toBe(true);
    expect(s().file.path).toBeNull();
  });

  it('Export picks the .onnx target in a save dialog, sets the export node path and runs to it', async () => {
    fakeEngine();
    const run = vi.fn(() => Promise.resolve());
    useStudio.setState({ run });
    s().loadDocument(emptyDocument('x'), { path: '/home/me/p.weft.json', revision: 'r', readOnly: false });
    const id = s().addNode('export.onnx', { x: 0, y: 0 });
    const d = desktop({ 'dialog.pickPath': 'out/model.onnx' });
    d.emit('menu.command', { command: 'export' });
    await vi.waitFor(() => expect(run).toHaveBeenCalledWith(id));
    expect(d.of('dialog.pickPath')).toEqual([
      { purpose: 'export', extensions: ['.onnx'], relativeTo: '/home/me/p.weft.json' },
    ]);
    expect(s().nodes.find((n) => n.id === id)?.data.params['path']).toBe('out/model.onnx');
  });

  it('Export without an export node says what to add and opens no dialog', () => {
    const run = vi.fn(() => Promise.resolve());
    useStudio.setState({ run });
    const d = desktop();
    d.emit('menu.command', { command: 'export' });
    expect(d.of('dialog.pickPath')).toHaveLength(0);
    expect(run).not.toHaveBeenCalled();
    expect(s().toasts.at(-1)).toMatchObject({ level: 'error', text: expect.stringContaining('Export ONNX node') });
  });
});

describe('pipelines opened by main', () => {
  const opened = (source: IpcEventMap['pipeline.opened']['source']): IpcEventMap['pipeline.opened'] => ({
    path: '/home/me/other.weft.json',
    text: pipelineText('other'),
    revision: 'r-other',
    source,
  });

  it('an OS-opened file with unsaved changes asks first; refused keeps the current pipeline', () => {
    const d = desktop();
    s().addNode('train.trainer', { x: 0, y: 0 });
    confirmAnswer = false;
    d.emit('pipeline.opened', opened('os'));
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/unsaved changes/i));
    expect(s().nodes.map((n) => n.data.type)).toEqual(['train.trainer']);
    expect(s().dirty).toBe(true);
    expect(s().file.path).toBeNull();
  });

  it('accepted (or nothing unsaved), the file opens as the pipeline', () => {
    const d = desktop();
    s().addNode('train.trainer', { x: 0, y: 0 });
    d.emit('pipeline.opened', opened('os'));
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(s().nodes.map((n) => n.data.type)).toEqual(['data.csv']);
    expect(s().file).toEqual({ path: '/home/me/other.weft.json', revision: 'r-other', readOnly: false });
    expect(s().dirty).toBe(false);
    d.emit('pipeline.opened', { ...opened('recent'), path: '/home/me/third.weft.json' });
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(s().file.path).toBe('/home/me/third.weft.json');
  });

  it('a file that is not a pipeline is reported and the canvas kept', () => {
    const d = desktop();
    s().addNode('data.csv', { x: 0, y: 0 });
    s().markSaved({ path: '/home/me/a.weft.json', revision: 'r', readOnly: false });
    d.emit('pipeline.opened', {
      path: '/home/me/bad.weft.json',
      text: '{"format":"nope"}',
      revision: 'x',
      source: 'drop',
    });
    expect(s().file.path).toBe('/home/me/a.weft.json');
    expect(s().toasts.at(-1)).toMatchObject({
      level: 'error',
      text: expect.stringContaining('/home/me/bad.weft.json'),
    });
  });

  it('the toolbar Open uses the native dialog in the desktop app', async () => {
    const d = desktop({ 'dialog.openPipeline': { path: '/x/y.weft.json', text: pipelineText('y'), revision: 'ry' } });
    expect(await openPipeline()).toBe(true);
    expect(d.of('dialog.openPipeline')).toEqual([{}]);
    expect(s().file.path).toBe('/x/y.weft.json');
    expect(s().dialog).toBeNull();
  });
});

describe('document state and engine status', () => {
  it('forwards the dirty state and file to main whenever they change', async () => {
    fakeEngine();
    const d = desktop({ 'dialog.savePipeline': { path: '/p/q.weft.json', revision: 'r1' } });
    expect(d.of('window.documentState')).toEqual([{ dirty: false, path: null }]);
    s().addNode('data.csv', { x: 0, y: 0 });
    s().addNode('data.csv', { x: 50, y: 0 });
    expect(d.of('window.documentState')).toEqual([
      { dirty: false, path: null },
      { dirty: true, path: null },
    ]);
    await startSaveAs();
    expect(d.of('window.documentState').at(-1)).toEqual({ dirty: false, path: '/p/q.weft.json' });
  });

  it('engine restart messages become toasts, a failure an error toast', () => {
    const d = desktop();
    d.emit('engine.status', { state: 'restarted', message: 'The engine stopped unexpectedly. It has been restarted.' });
    d.emit('engine.status', { state: 'failed', message: 'The engine keeps failing; restart Weft.' });
    expect(s().toasts.map((t) => [t.level, t.text])).toEqual([
      ['info', 'The engine stopped unexpectedly. It has been restarted.'],
      ['error', 'The engine keeps failing; restart Weft.'],
    ]);
  });

  it('stopping the shell removes every listener and stops reporting', () => {
    const d = desktop();
    expect(d.listenerCount()).toBe(3);
    stop?.();
    stop = undefined;
    expect(d.listenerCount()).toBe(0);
    s().addNode('data.csv', { x: 0, y: 0 });
    expect(d.of('window.documentState')).toHaveLength(1);
  });
});

describe('file params and the browser studio', () => {
  it('Browse… for a data file uses the native dialog, relative to the open pipeline', async () => {
    const d = desktop({ 'dialog.pickPath': 'data/iris.csv' });
    s().loadDocument(emptyDocument('x'), { path: '/home/me/p.weft.json', revision: 'r', readOnly: false });
    const id = s().addNode('data.csv', { x: 0, y: 0 }) ?? '';
    expect(await pickParamPath(id, 'path', { extensions: ['.csv'] })).toBe('data/iris.csv');
    expect(d.of('dialog.pickPath')).toEqual([
      { purpose: 'dataset', extensions: ['.csv'], relativeTo: '/home/me/p.weft.json' },
    ]);
    expect(s().nodes[0]?.data.params['path']).toBe('data/iris.csv');
  });

  it('a cancelled pick leaves the param alone', async () => {
    desktop({ 'dialog.pickPath': null });
    const id = s().addNode('data.csv', { x: 0, y: 0 }) ?? '';
    s().setParam(id, 'path', 'old.csv');
    expect(await pickParamPath(id, 'path', {})).toBeNull();
    expect(s().nodes[0]?.data.params['path']).toBe('old.csv');
  });

  it('without window.weft, Open, Save As and Browse… open the in-page dialogs as before', async () => {
    const engine = fakeEngine();
    expect(await openPipeline()).toBe(false);
    expect(s().dialog).toEqual({ kind: 'open' });
    expect(await startSaveAs()).toBe(false);
    expect(s().dialog).toEqual({ kind: 'saveAs' });
    expect(await pickParamPath('csv_1', 'path', { extensions: ['.csv'] })).toBeNull();
    expect(s().dialog).toEqual({ kind: 'pickFile', nodeId: 'csv_1', param: 'path', extensions: ['.csv'] });
    expect(engine.calls).toHaveLength(0);
  });
});
