import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_PREFIX } from '../../common/graph/posixPath';
import { packageRoot } from '../packageRoot';

function dependencies(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {});
}

/** Splits `@scope/name/sub/path` or `name/sub/path` into the package name and the path inside it. */
function splitSpecifier(spec: string): [string, string] {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  return [parts.slice(0, n).join('/'), parts.slice(n).join('/')];
}

/**
 * The absolute path a `package:<npm package>/<path>` param names: a file or folder inside one of
 * Weft's own dependencies, found the way Node resolves the package from Weft's folder (so it works
 * from a source checkout and from an installed app, hoisted or not).
 */
export function resolvePackagePath(p: string): { path: string } | { error: string } {
  const spec = p.slice(PACKAGE_PREFIX.length).replace(/^\/+/, '');
  const [name, rest] = splitSpecifier(spec);
  const deps = dependencies();
  if (!deps.includes(name))
    return {
      error: `${p}: '${name}' is not a package Weft ships with; package: paths read data from Weft's dependencies (${deps.join(', ')})`,
    };
  const require = createRequire(path.join(packageRoot(), 'package.json'));
  const dir = (require.resolve.paths(name) ?? [])
    .map((base) => path.join(base, name))
    .find((d) => existsSync(path.join(d, 'package.json')));
  if (!dir) return { error: `${p}: the package '${name}' is not installed; run npm install in Weft's folder` };
  const abs = path.resolve(dir, rest);
  const rel = path.relative(dir, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { error: `${p}: the path leaves the package '${name}'` };
  return { path: abs };
}
