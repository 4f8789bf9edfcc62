import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UserError, type PathPolicy } from '../executors/Executor';
import { StudioError } from './StudioError';

/** Whether `p` (absolute) is `root` or inside it. */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `p` with every symlink resolved; for a path that does not exist yet, its nearest existing folder's. */
export function realPath(p: string): string {
  let existing = path.resolve(p);
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  try {
    return path.join(realpathSync.native(existing), ...rest);
  } catch {
    return path.resolve(p);
  }
}

/** Whether `p` is inside `root` both as written and once symlinks are followed. */
export function isReallyInside(root: string, p: string): boolean {
  return isInside(root, p) && isInside(realPath(root), realPath(p));
}

/**
 * Resolves a path the renderer sent. Relative paths resolve against the workspace; the result must
 * stay inside the workspace (or one of `extraRoots`), symlinks included, unless the user typed it (`typed`).
 */
export function resolveUserPath(
  workspace: string,
  p: string,
  opts: { typed?: boolean; extraRoots?: string[] } = {},
): string {
  if (p.includes('\0')) throw new StudioError(400, 'a path cannot contain NUL');
  const abs = path.resolve(workspace, p);
  if (opts.typed) return abs;
  const roots = [workspace, ...(opts.extraRoots ?? [])];
  if (!roots.some((r) => isInside(r, abs))) {
    throw new StudioError(
      403,
      `${p} is outside the workspace ${workspace}; type the path in Open… to use a file elsewhere`,
    );
  }
  if (!roots.some((r) => isReallyInside(r, abs))) {
    throw new StudioError(
      403,
      `${p} leads outside the workspace ${workspace} through a symbolic link; type the real path in Open… to use it`,
    );
  }
  return abs;
}

/** `/`-separated workspace-relative form, for display and for the file browser. */
export function toWorkspaceRelative(workspace: string, abs: string): string {
  return path.relative(workspace, abs).split(path.sep).join('/');
}

/**
 * The studio's path policy for runs: nodes read and write inside the workspace (symlinks followed),
 * and may also read inside `readRoots()` (sample data, files the user opened); nothing else.
 */
export function workspacePolicy(workspace: string, readRoots: () => string[] = () => []): PathPolicy {
  return {
    check(abs, access) {
      if (isReallyInside(workspace, abs)) return;
      if (access === 'read' && readRoots().some((r) => isReallyInside(r, abs))) return;
      throw new UserError(
        access === 'write'
          ? `${abs}: the path leaves the workspace ${workspace}; the studio writes only inside its workspace, so choose a path there`
          : `${abs}: the file is outside the workspace ${workspace}; the studio reads only files in its workspace, so copy it there or start weft studio with --workspace on a folder that holds it`,
      );
    },
  };
}
