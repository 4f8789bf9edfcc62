import path from 'node:path';
import type { MenuCommand } from '../../core/common';
import type { MenuItemOptions } from './electronSurface';

export interface MenuActions {
  /** Sends a command to the renderer (it owns the document). */
  command(command: MenuCommand): void;
  open(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  about(): void;
  quit(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  recent: string[];
  /** Developer tools only in unpackaged builds. */
  devTools: boolean;
}

/** The application menu: File, Edit, Run, View, Help, with accelerators; pure data, rebuilt when recent files change. */
export function buildMenuTemplate(ctx: MenuContext, act: MenuActions): MenuItemOptions[] {
  const mac = ctx.platform === 'darwin';
  const recent: MenuItemOptions[] = ctx.recent.length
    ? [
        ...ctx.recent.map((file) => ({
          label: `${path.basename(file)} — ${path.dirname(file)}`,
          click: () => act.openRecent(file),
        })),
        { type: 'separator' as const },
        { label: 'Clear Recent', click: () => act.clearRecent() },
      ]
    : [{ label: 'No Recent Pipelines', enabled: false }];
  const file: MenuItemOptions = {
    label: 'File',
    submenu: [
      { label: 'New Pipeline', accelerator: 'CmdOrCtrl+N', click: () => act.command('new') },
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => act.open() },
      { label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => act.command('save') },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => act.command('saveAs') },
      { label: 'Export Model…', accelerator: 'CmdOrCtrl+E', click: () => act.command('export') },
      ...(mac
        ? []
        : [{ type: 'separator' as const }, { label: 'Quit', accelerator: 'Ctrl+Q', click: () => act.quit() }]),
    ],
  };
  const edit: MenuItemOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const run: MenuItemOptions = {
    label: 'Run',
    submenu: [
      { label: 'Run Pipeline', accelerator: 'CmdOrCtrl+Enter', click: () => act.command('run') },
      { label: 'Cancel Run', accelerator: 'CmdOrCtrl+.', click: () => act.command('cancel') },
    ],
  };
  const view: MenuItemOptions = {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(ctx.devTools ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  };
  const help: MenuItemOptions = {
    label: 'Help',
    role: 'help',
    submenu: [{ label: 'About Weft', click: () => act.about() }],
  };
  const appMenu: MenuItemOptions[] = mac
    ? [
        {
          label: 'Weft',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, run, view, help];
}
