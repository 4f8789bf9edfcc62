import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, serializeDocument, emptyDocument } from '../../../core/common';
import { createWeftMain } from '../../../electron/main/createMain';
import { clickMenu, fakeElectron, FakeWindow, flush, SilentProcess, until, type FakeElectron } from './fakeElectron';
import { WEFT_MALLOC_TUNABLES } from '../../../bin/mallocTunables.js';

const pipelineText = serializeDocument(emptyDocument('demo'));

function tmpDir(prefix = 'weft-main-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function start(e: FakeElectron, extra: { argv?: string[]; cwd?: string; workspace?: string } = {}) {
  const workspace = extra.workspace ?? tmpDir('weft-ws-');
  const main = createWeftMain(e, {
    electronDir: '/app/dist/electron',
    rendererDir: tmpDir('weft-renderer-'),
    workspace,
    argv: extra.argv ?? ['weft'],
    cwd: extra.cwd ?? process.cwd(),
    platform: 'linux',
  });
  const ok = await main.ready;
  const win = FakeWindow.all.at(-1)!;
  return { main, ok, win, workspace };
}

function writePipeline(dir: string, name = 'a.weft.json'): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, pipelineText);
  return file;
}

describe('single instance and files from the OS', () => {
  it('a second instance quits at once: no window, no handlers, no engine', async () => {
    const e = fakeElectron({ lock: false });
    const main = createWeftMain(e, {
      electronDir: '/x',
      rendererDir: '/y',
      argv: ['weft'],
      cwd: '/',
      platform: 'linux',
    });
    expect(await main.ready).toBe(false);
    expect(e.state.quit).toBe(1);
    expect(FakeWindow.all).toHaveLength(0);
    expect(e.state.handlers.size).toBe(0);
    expect(e.state.forks).toHaveLength(0);
  });

  it('opens a pipeline named on the command line once the window has loaded', async () => {
    const dir = tmpDir();
    const file = writePipeline(dir);
    const e = fakeElectron();
    const { win } = await start(e, { argv: ['weft', '--no-sandbox', 'a.weft.json', 'notes.txt'], cwd: dir });
    expect(win.loaded).toEqual(['app://weft/index.html']);
    const opened = win.webContents.eventsOn('pipeline.opened') as { path: string; text: string; source: string }[];
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ path: file, text: pipelineText, source: 'os' });
    expect(e.state.recentOs).toEqual([file]);
    expect(win.title).toBe('a.weft.json — Weft');
  });

  it('a second launch with a file focuses the window and opens the file there; macOS open-file too', async () => {
    const dir = tmpDir();
    const a = writePipeline(dir, 'a.weft.json');
    const b = writePipeline(dir, 'b.weft.json');
    const e = fakeElectron();
    const { win } = await start(e);
    win.minimized = true;
    e.appEvents.emit('second-instance', {}, ['weft', 'a.weft.json'], dir);
    await until(() => win.webContents.eventsOn('pipeline.opened').length === 1);
    expect(win.minimized).toBe(false);
    expect(win.focused).toBeGreaterThan(0);
    let prevented = false;
    e.appEvents.emit('open-file', { preventDefault: () => (prevented = true) }, b);
    await until(() => win.webContents.eventsOn('pipeline.opened').length === 2);
    expect(prevented).toBe(true);
    const opened = win.webContents.eventsOn('pipeline.opened') as { path: string }[];
    expect(opened.map((o) => o.path)).toEqual([a, b]);
    expect(FakeWindow.all).toHaveLength(1);
  });

  it('a pipeline dropped on the window (reported by the preload) opens; other files do not', async () => {
    const dir = tmpDir();
    const file = writePipeline(dir);
    writeFileSync(path.join(dir, 'data.csv'), 'a,b\n1,2\n');
    const e = fakeElectron();
    const { win } = await start(e);
    expect(await e.invoke('pipeline.openDropped', { path: path.join(dir, 'data.csv') })).toEqual({
      ok: true,
      result: null,
    });
    expect(await e.invoke('pipeline.openDropped', { path: file })).toEqual({ ok: true, result: null });
    await until(() => win.webContents.eventsOn('pipeline.opened').length === 1);
    expect(
      (win.webContents.eventsOn('pipeline.opened') as { path: string; source: string }[]).map((o) => [
        o.path,
        o.source,
      ]),
    ).toEqual([[file, 'drop']]);
  });
});

describe('menus', () => {
  it('has File, Edit, Run, View and Help with the usual accelerators; no devtools when packaged', async () => {
    const e = fakeElectron({ packaged: true });
    await start(e);
    const menu = e.state.menu!;
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'Run', 'View', 'Help']);
    const file = menu[0].submenu!;
    const acc = Object.fromEntries(file.filter((i) => i.label).map((i) => [i.label, i.accelerator]));
    expect(acc).toMatchObject({
      'New Pipeline': 'CmdOrCtrl+N',
      'Open…': 'CmdOrCtrl+O',
      Save: 'CmdOrCtrl+S',
      'Save As…': 'CmdOrCtrl+Shift+S',
      'Export Model…': 'CmdOrCtrl+E',
    });
    expect(file.find((i) => i.label === 'Open Recent')!.submenu).toEqual([
      { label: 'No Recent Pipelines', enabled: false },
    ]);
    expect(menu[2].submenu!.map((i) => [i.label, i.accelerator])).toEqual([
      ['Run Pipeline', 'CmdOrCtrl+Enter'],
      ['Cancel Run', 'CmdOrCtrl+.'],
    ]);
    expect(JSON.stringify(menu)).not.toContain('toggleDevTools');
  });

  it('New, Save, Save As, Export, Run and Cancel are sent to the renderer, which owns the document', async () => {
    const e = fakeElectron();
    const { win } = await start(e);
    clickMenu(e.state.menu, ['File', 'New Pipeline']);
    clickMenu(e.state.menu, ['File', 'Save']);
    clickMenu(e.state.menu, ['File', 'Save As…']);
    clickMenu(e.state.menu, ['File', 'Export Model…']);
    clickMenu(e.state.menu, ['Run', 'Run Pipeline']);
    clickMenu(e.state.menu, ['Run', 'Cancel Run']);
    expect(win.webContents.eventsOn('menu.command')).toEqual(
      ['new', 'save', 'saveAs', 'export', 'run', 'cancel'].map((command) => ({ command })),
    );
  });

  it('Open… shows a native dialog, sends the file to the renderer and lists it under Open Recent', async () => {
    const dir = tmpDir();
    const file = writePipeline(dir);
    const e = fakeElectron();
    const { win } = await start(e);
    e.state.dialogAnswers.push({ canceled: false, filePaths: [file] });
    clickMenu(e.state.menu, ['File', 'Open…']);
    await until(() => win.webContents.eventsOn('pipeline.opened').length === 1);
    expect(e.state.dialogCalls[0]).toMatchObject({ kind: 'open', options: { properties: ['openFile'] } });
    expect(win.webContents.eventsOn('pipeline.opened')).toEqual([
      { path: file, text: pipelineText, revision: expect.any(String), source: 'dialog' },
    ]);
    const recent = e.state.menu![0].submenu!.find((i) => i.label === 'Open Recent')!.submenu!;
    expect(recent[0].label).toBe(`a.weft.json — ${dir}`);
    e.state.dialogAnswers.push({ canceled: true });
    clickMenu(e.state.menu, ['File', 'Open…']);
    await flush();
    expect(win.webContents.eventsOn('pipeline.opened')).toHaveLength(1);

    clickMenu(e.state.menu, ['File', 'Open Recent', `a.weft.json — ${dir}`]);
    await until(() => win.webContents.eventsOn('pipeline.opened').length === 2);
    expect(win.webContents.eventsOn('pipeline.opened')).toHaveLength(2);
    clickMenu(e.state.menu, ['File', 'Open Recent', 'Clear Recent']);
    expect(e.state.menu![0].submenu!.find((i) => i.label === 'Open Recent')!.submenu![0].label).toBe(
      'No Recent Pipelines',
    );
  });

  it('recent pipelines survive a restart and stay readable without a dialog', async () => {
    const dir = tmpDir();
    const file = writePipeline(dir);
    const e = fakeElectron();
    await start(e);
    e.state.dialogAnswers.push({ canceled: false, filePaths: [file] });
    expect(await e.invoke('dialog.openPipeline', {})).toMatchObject({ ok: true, result: { path: file } });

    const e2 = fakeElectron();
    e2.state.userData = e.state.userData;
    await start(e2);
    expect(await e2.invoke('pipeline.read', { path: file })).toMatchObject({
      ok: true,
      result: { path: file, text: pipelineText },
    });
    expect(e2.state.dialogCalls).toHaveLength(0);
  });
});

describe('file access goes through dialogs', () => {
  it('reads and writes in the workspace directly, with the revision check', async () => {
    const e = fakeElectron();
    const { workspace } = await start(e);
    writePipeline(workspace, 'p.weft.json');
    const r = (await e.invoke('pipeline.read', { path: 'p.weft.json' })) as {
      ok: true;
      result: { path: string; revision: string };
    };
    expect(r.result.path).toBe('p.weft.json');
    const w = await e.invoke('pipeline.write', {
      path: 'p.weft.json',
      text: pipelineText.replace('demo', 'demo2'),
      baseRevision: r.result.revision,
    });
    expect(w).toMatchObject({ ok: true });
    const stale = await e.invoke('pipeline.write', {
      path: 'p.weft.json',
      text: pipelineText,
      baseRevision: r.result.revision,
    });
    expect(stale).toMatchObject({ ok: false, status: 409 });
    expect(e.state.dialogCalls).toHaveLength(0);
  });

  it('a path outside the workspace is not read: the user gets an open dialog at that path instead', async () => {
    const outside = writePipeline(tmpDir('weft-elsewhere-'), 'secret.weft.json');
    const e = fakeElectron();
    await start(e);
    const refused = await e.invoke('pipeline.read', { path: outside, typed: true });
    expect(refused).toMatchObject({ ok: false, status: 403, error: 'Open cancelled' });
    expect(e.state.dialogCalls).toEqual([{ kind: 'open', options: expect.objectContaining({ defaultPath: outside }) }]);
    e.state.dialogAnswers.push({ canceled: false, filePaths: [outside] });
    expect(await e.invoke('pipeline.read', { path: outside })).toMatchObject({
      ok: true,
      result: { text: pipelineText },
    });
    expect(await e.invoke('pipeline.read', { path: outside })).toMatchObject({ ok: true });
    expect(e.state.dialogCalls).toHaveLength(2);
  });

  it('writing outside the workspace asks with a save dialog; Save As adds .weft.json', async () => {
    const elsewhere = tmpDir('weft-elsewhere-');
    const e = fakeElectron();
    await start(e);
    const target = path.join(elsewhere, 'x.weft.json');
    e.state.dialogAnswers.push({ canceled: false, filePath: target });
    expect(await e.invoke('pipeline.write', { path: target, text: pipelineText, baseRevision: null })).toMatchObject({
      ok: true,
      result: { path: target },
    });
    expect(e.state.dialogCalls[0]).toMatchObject({ kind: 'save', options: { defaultPath: target } });
    expect(readFileSync(target, 'utf8')).toBe(pipelineText);

    e.state.dialogAnswers.push({ canceled: false, filePath: path.join(elsewhere, 'named') });
    expect(await e.invoke('dialog.savePipeline', { text: pipelineText })).toMatchObject({
      ok: true,
      result: { path: path.join(elsewhere, 'named.weft.json') },
    });
    e.state.dialogAnswers.push({ canceled: true });
    expect(await e.invoke('dialog.savePipeline', { text: pipelineText })).toEqual({ ok: true, result: null });
  });

  it('Save As from an open file rewrites its relative data paths and returns the text it wrote', async () => {
    const e = fakeElectron();
    const { workspace } = await start(e);
    const doc = JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../../resources/examples/iris-classification.weft.json'),
        'utf8',
      ),
    ) as {
      nodes: { id: string; params: Record<string, unknown> }[];
    };
    for (const n of doc.nodes) if (n.id === 'csv') n.params.path = 'data/iris.csv';
    const text = JSON.stringify(doc);
    const target = path.join(workspace, 'copies', 'q.weft.json');
    mkdirSync(path.dirname(target));
    e.state.dialogAnswers.push({ canceled: false, filePath: target });
    const r = (await e.invoke('dialog.savePipeline', { text, from: 'proj/p.weft.json' })) as {
      ok: true;
      result: { path: string; text?: string };
    };
    expect(r.result.path).toBe('copies/q.weft.json');
    const written = JSON.parse(readFileSync(target, 'utf8')) as typeof doc;
    expect(written.nodes.find((n) => n.id === 'csv')?.params.path).toBe('../proj/data/iris.csv');
    expect(written.nodes.find((n) => n.id === 'export')?.params.path).toBe('out/iris.onnx');
    expect(r.result.text).toBe(readFileSync(target, 'utf8'));

    e.state.dialogAnswers.push({ canceled: false, filePath: path.join(workspace, 'plain.weft.json') });
    const plain = (await e.invoke('dialog.savePipeline', { text })) as { ok: true; result: { text?: string } };
    expect(plain.result.text).toBeUndefined();
    expect(readFileSync(path.join(workspace, 'plain.weft.json'), 'utf8')).toBe(text);
    expect(await e.invoke('dialog.savePipeline', { text, from: '' })).toMatchObject({ ok: false });
  });

  it('picks data files relative to the pipeline folder, export targets with a save dialog, folders', async () => {
    const e = fakeElectron();
    const { workspace } = await start(e);
    writePipeline(path.join(workspace, 'proj'), 'p.weft.json');
    e.state.dialogAnswers.push({ canceled: false, filePaths: [path.join(workspace, 'proj', 'data', 'iris.csv')] });
    expect(
      await e.invoke('dialog.pickPath', { purpose: 'dataset', extensions: ['.csv'], relativeTo: 'proj/p.weft.json' }),
    ).toEqual({ ok: true, result: 'data/iris.csv' });
    expect(e.state.dialogCalls[0].options).toMatchObject({
      filters: [
        { name: 'Files', extensions: ['csv'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    e.state.dialogAnswers.push({ canceled: false, filePath: '/elsewhere/model.onnx' });
    expect(await e.invoke('dialog.pickPath', { purpose: 'export' })).toEqual({
      ok: true,
      result: '/elsewhere/model.onnx',
    });
    expect(e.state.dialogCalls[1].kind).toBe('save');
    e.state.dialogAnswers.push({ canceled: false, filePaths: ['/data/images'] });
    await e.invoke('dialog.pickPath', { purpose: 'folder' });
    expect(e.state.dialogCalls[2].options).toMatchObject({ properties: ['openDirectory', 'createDirectory'] });
  });
});

describe('window', () => {
  it('remembers size, position and maximized state across launches; drops a position off every display', async () => {
    const e = fakeElectron();
    const { win } = await start(e);
    win.bounds = { x: 50, y: 60, width: 1000, height: 700 };
    win.maximized = true;
    win.close();
    expect(win.destroyed).toBe(true);

    const e2 = fakeElectron();
    e2.state.userData = e.state.userData;
    const { win: w2 } = await start(e2);
    expect(w2.options).toMatchObject({ x: 50, y: 60, width: 1000, height: 700 });
    expect(w2.maximized).toBe(true);

    w2.bounds = { x: 5000, y: 5000, width: 900, height: 650 };
    w2.maximized = false;
    w2.close();
    const e3 = fakeElectron();
    e3.state.userData = e.state.userData;
    const { win: w3 } = await start(e3);
    expect(w3.options.x).toBeUndefined();
    expect(w3.options).toMatchObject({ width: 900, height: 650 });
  });

  it('asks before closing with unsaved changes; Cancel keeps the window, Discard closes it', async () => {
    const e = fakeElectron();
    const { win } = await start(e);
    await e.invoke('window.documentState', { dirty: true, name: 'iris.weft.json' });
    expect(win.title).toBe('• iris.weft.json — Weft');
    expect(win.edited).toBe(true);
    e.state.dialogAnswers.push({ canceled: false, response: 0 });
    win.close();
    await flush();
    expect(win.destroyed).toBe(false);
    expect(e.state.dialogCalls.at(-1)).toMatchObject({
      kind: 'message',
      options: { message: 'iris.weft.json has unsaved changes.' },
    });
    e.state.dialogAnswers.push({ canceled: false, response: 1 });
    win.close();
    await flush();
    expect(win.destroyed).toBe(true);
  });

  it('when the engine host dies the window is told why and keeps its page (and so its pipeline)', async () => {
    const procs: SilentProcess[] = [];
    const e = fakeElectron({
      spawn: () => {
        const p = new SilentProcess();
        procs.push(p);
        return p;
      },
    });
    const { win } = await start(e);
    expect(e.state.forks[0]).toMatchObject({
      modulePath: path.join('/app/dist/electron', 'engine-host.cjs'),
      // on Linux the engine runs with glibc's malloc tunables, as `weft run` does (bin/mallocTunables.js)
      options: { serviceName: 'Weft engine', env: { GLIBC_TUNABLES: WEFT_MALLOC_TUNABLES } },
    });
    const run = e.invoke('engine.run', { document: { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION } });
    await flush();
    procs[0].emit('exit', 9);
    expect(await run).toMatchObject({ ok: false, status: 503, error: expect.stringMatching(/stopped unexpectedly/) });
    expect(win.webContents.eventsOn('engine.status')).toEqual([
      { state: 'restarted', message: expect.stringMatching(/restarted; your pipeline is unchanged/) },
    ]);
    expect(win.loaded).toHaveLength(1);
    expect(procs).toHaveLength(2);
    const forwarded = procs[1];
    void e.invoke('engine.nodes', {});
    await flush();
    expect(forwarded.posted).toEqual([
      { type: 'request', id: 2, channel: 'engine.nodes', params: {}, documentRoots: [] },
    ]);
  });
});
