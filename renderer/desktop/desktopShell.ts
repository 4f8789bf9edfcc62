import type { IpcEventMap, MenuCommand, WeftDesktopApi } from '../../core/common';
import { bindDesktopShell, callDesktop } from '../engine/ipcTransport';
import { newDocument, openDelivered, pickParamPath, save, startSaveAs } from '../files/fileActions';
import { useStudio } from '../store/useStudio';

const EXPORT_NODE = 'export.onnx';

/**
 * File > Export Model…: the user picks the .onnx file in a native save dialog, it becomes the export
 * node's `path`, and the pipeline runs up to that node (which writes and verifies the file).
 */
export async function exportModel(): Promise<void> {
  const s = useStudio.getState();
  const exports = s.nodes.filter((n) => n.data.type === EXPORT_NODE);
  const target = exports.length === 1 ? exports[0] : exports.find((n) => n.selected);
  if (!target) {
    s.toast(
      exports.length
        ? 'Select the Export ONNX node to export from, then choose Export Model… again.'
        : 'Add an Export ONNX node fed by a trained model to export it, then choose Export Model… again.',
      'error',
    );
    return;
  }
  if (s.running) {
    s.toast('A run is in progress; export when it has finished.', 'error');
    return;
  }
  const picked = await pickParamPath(target.id, 'path', { extensions: ['.onnx'], save: true });
  if (picked === null) return;
  await useStudio.getState().run(target.id);
}

/** What each native menu command does: the same actions as the toolbar and shortcuts. */
export function runMenuCommand(command: MenuCommand): Promise<unknown> {
  const s = useStudio.getState();
  switch (command) {
    case 'new':
      newDocument();
      return Promise.resolve();
    case 'save':
      return save();
    case 'saveAs':
      return startSaveAs();
    case 'export':
      return exportModel();
    case 'run':
      return s.run();
    case 'cancel':
      return s.cancel();
  }
}

/** The engine host died and was restarted (the pipeline is kept), or gave up: tell the user. */
export function showEngineStatus(status: IpcEventMap['engine.status']): void {
  useStudio.getState().toast(status.message, status.state === 'failed' ? 'error' : 'info');
}

/**
 * Keeps main told of the document's dirty state and file (the window title and the close prompt
 * follow it): once now, then on every change of either.
 */
export function reportDocumentState(api: WeftDesktopApi): () => void {
  const send = (dirty: boolean, path: string | null): void => {
    void callDesktop(api, 'window.documentState', { dirty, path }).catch(() => undefined);
  };
  const first = useStudio.getState();
  send(first.dirty, first.file.path);
  return useStudio.subscribe((s, prev) => {
    if (s.dirty !== prev.dirty || s.file.path !== prev.file.path) send(s.dirty, s.file.path);
  });
}

/**
 * Connects the studio to the Electron shell: menu commands, pipelines main opened (File > Open…,
 * Open Recent, the OS, a drop; unsaved changes are asked about first), engine restarts as toasts,
 * and the document state. Returns one function that undoes it all.
 */
export function startDesktopShell(api: WeftDesktopApi): () => void {
  const unbind = bindDesktopShell(api, {
    command: (c) => {
      runMenuCommand(c).catch((e: unknown) =>
        useStudio.getState().toast(`${c} failed: ${(e as Error).message}`, 'error'),
      );
    },
    opened: (file) => void openDelivered(file),
    engineStatus: showEngineStatus,
  });
  const unreport = reportDocumentState(api);
  return () => {
    unbind();
    unreport();
  };
}
