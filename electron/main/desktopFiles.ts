import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenedFile, PickPathParams } from '../../core/common';
import type { HostService } from '../../core/node/studio/HostService';
import { revisionOf } from '../../core/node/studio/HostService';
import { isInside } from '../../core/node/studio/workspacePaths';
import type { BrowserWindowLike, DialogFilter, DialogModule } from './electronSurface';
import { isPipelinePath } from './openFiles';
import { rebaseSavedCopy } from './savedCopy';

const PIPELINE_FILTERS: DialogFilter[] = [
  { name: 'Weft pipeline', extensions: ['weft.json'] },
  { name: 'JSON', extensions: ['json'] },
];

const PURPOSE: Record<PickPathParams['purpose'], { title: string; filters: DialogFilter[] }> = {
  dataset: {
    title: 'Choose a data file',
    filters: [
      { name: 'Data', extensions: ['csv', 'tsv', 'txt', 'json', 'npy', 'idx', 'gz', 'ubyte'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  export: { title: 'Export to', filters: [{ name: 'ONNX model', extensions: ['onnx'] }] },
  folder: { title: 'Choose a folder', filters: [] },
};

export class DialogCancelled extends Error {
  readonly status = 403;
  constructor(what: string) {
    super(`${what} cancelled`);
    this.name = 'DialogCancelled';
  }
}

/**
 * The desktop's file access. Files in the workspace go straight to the studio's HostService; a
 * file anywhere else is reachable only once the user granted it — picked in a native dialog,
 * opened from the OS, dropped on the window, or on the recent list. A path the renderer names
 * outside those is not read: the user is shown a native dialog at that path instead.
 */
export class DesktopFiles {
  private readonly granted = new Set<string>();

  constructor(
    private readonly host: HostService,
    private readonly dialog: DialogModule,
    private readonly window: () => BrowserWindowLike | undefined,
    private readonly isRecent: (abs: string) => boolean,
    private readonly onTouched: (abs: string) => void,
  ) {}

  get workspace(): string {
    return this.host.workspace;
  }

  grant(file: string): string {
    const abs = path.resolve(this.workspace, file);
    this.granted.add(abs);
    return abs;
  }

  /** Folders of granted files outside the workspace: runs of those pipelines resolve paths there. */
  documentRoots(): string[] {
    return [...new Set([...this.granted].filter((p) => !isInside(this.workspace, p)).map((p) => path.dirname(p)))];
  }

  isAllowed(abs: string): boolean {
    return isInside(this.workspace, abs) || this.granted.has(abs) || this.isRecent(abs);
  }

  async read(p: { path: string }): Promise<OpenedFile> {
    const abs = path.resolve(this.workspace, p.path);
    if (this.isAllowed(abs)) return this.readGranted(abs);
    const r = await this.dialog.showOpenDialog(this.window(), {
      title: 'Open pipeline',
      defaultPath: abs,
      filters: PIPELINE_FILTERS,
      properties: ['openFile'],
    });
    const chosen = r.filePaths[0];
    if (r.canceled || !chosen) throw new DialogCancelled('Open');
    return this.readGranted(this.grant(chosen));
  }

  async write(p: {
    path: string;
    text: string;
    baseRevision: string | null;
  }): Promise<{ path: string; revision: string }> {
    const abs = path.resolve(this.workspace, p.path);
    if (this.isAllowed(abs)) return this.writeGranted(abs, p.text, p.baseRevision);
    return this.saveAs(p.text, abs);
  }

  async openWithDialog(): Promise<OpenedFile | null> {
    const r = await this.dialog.showOpenDialog(this.window(), {
      title: 'Open pipeline',
      defaultPath: this.workspace,
      filters: PIPELINE_FILTERS,
      properties: ['openFile'],
    });
    const chosen = r.filePaths[0];
    if (r.canceled || !chosen) return null;
    return this.readGranted(this.grant(chosen));
  }

  /**
   * Save As: the user picks the file in a native dialog (which asks before replacing one). With
   * `from` (the file the document was open from), relative data paths are rewritten to still name
   * the same files from the new folder, and the written `text` comes back so the renderer can follow.
   */
  async saveAs(
    text: string,
    suggested?: string,
    from?: string,
  ): Promise<{ path: string; revision: string; text?: string }> {
    const r = await this.dialog.showSaveDialog(this.window(), {
      title: 'Save pipeline',
      defaultPath: suggested
        ? path.resolve(this.workspace, suggested)
        : path.join(this.workspace, 'pipeline.weft.json'),
      filters: PIPELINE_FILTERS,
    });
    if (r.canceled || !r.filePath) throw new DialogCancelled('Save');
    const file =
      isPipelinePath(r.filePath) && r.filePath.endsWith('.weft.json')
        ? r.filePath
        : `${r.filePath.replace(/\.json$/i, '')}.weft.json`;
    const abs = this.grant(file);
    const written = from
      ? rebaseSavedCopy(text, { from: path.resolve(this.workspace, from), to: abs, workspace: this.workspace })
      : text;
    const current = await readFile(abs, 'utf8').catch(() => null);
    const saved = await this.writeGranted(abs, written, current === null ? null : revisionOf(current));
    return written === text ? saved : { ...saved, text: written };
  }

  async pickPath(p: PickPathParams): Promise<string | null> {
    const preset = PURPOSE[p.purpose];
    const extensions = p.extensions?.map((e) => e.replace(/^\./, ''));
    const filters = extensions?.length
      ? [
          { name: 'Files', extensions },
          { name: 'All files', extensions: ['*'] },
        ]
      : preset.filters;
    const base = p.relativeTo ? path.dirname(path.resolve(this.workspace, p.relativeTo)) : this.workspace;
    const title = p.title ?? preset.title;
    let chosen: string | undefined;
    if (p.purpose === 'export') {
      const r = await this.dialog.showSaveDialog(this.window(), { title, defaultPath: base, filters });
      chosen = r.canceled ? undefined : r.filePath;
    } else {
      const r = await this.dialog.showOpenDialog(this.window(), {
        title,
        defaultPath: base,
        filters,
        properties: p.purpose === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile'],
      });
      chosen = r.canceled ? undefined : r.filePaths[0];
    }
    if (!chosen) return null;
    return isInside(base, chosen) ? path.relative(base, chosen).split(path.sep).join('/') : chosen;
  }

  private async readGranted(abs: string): Promise<OpenedFile> {
    const opened = await this.host.handle('pipeline.read', { path: abs, typed: true });
    this.granted.add(abs);
    this.onTouched(abs);
    return opened;
  }

  private async writeGranted(
    abs: string,
    text: string,
    baseRevision: string | null,
  ): Promise<{ path: string; revision: string }> {
    const saved = await this.host.handle('pipeline.write', { path: abs, text, baseRevision, typed: true });
    this.granted.add(abs);
    this.onTouched(abs);
    return saved;
  }
}
