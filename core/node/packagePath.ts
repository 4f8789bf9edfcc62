import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isPackagePath, PACKAGE_PATH_PREFIX } from '../common/graph/posixPath';
import { packageRoot } from './packageRoot';

let shipped: Set<string> | undefined;

/** The npm dependencies Weft ships (its package.json `dependencies`): the packages `package:` paths may name. */
function shippedPackages(): Set<string> {
  shipped ??= new Set(
    Object.keys(
      (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { dependencies?: object })
        .dependencies ?? {},
    ),
  );
  return shipped;
}

/**
 * A `package:<name>/<file>` path (a data file inside one of Weft's own npm dependencies, e.g.
 * `package:vega-datasets/data/co2-concentration.csv`) as an absolute path under Weft's
 * node_modules, or an error message for a package Weft does not ship or a file outside the package.
 * Such files are read-only sample data, like resources/data: runs may read them wherever they are confined.
 */
export function resolvePackagePath(p: string): { abs: string } | { error: string } {
  const rest = p.slice(PACKAGE_PATH_PREFIX.length).replace(/\\/g, '/');
  const parts = rest.split('/');
  const nameLength = parts[0]?.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const file = parts.slice(nameLength).join('/');
  if (!name || !file)
    return {
      error: `${p}: write a package path as package:<npm package>/<file>, e.g. package:vega-datasets/data/cars.json`,
    };
  if (!shippedPackages().has(name))
    return {
      error: `${p}: '${name}' is not a package Weft ships; package: paths read data from ${[...shippedPackages()].filter((d) => d.includes('data')).join(', ') || 'its dependencies'}`,
    };
  const dir = path.join(packageRoot(), 'node_modules', ...name.split('/'));
  const abs = path.resolve(dir, file);
  if (path.relative(dir, abs).startsWith('..')) return { error: `${p}: the path leaves the package '${name}'` };
  return { abs };
}

/** A data path from a node's params, absolute: `package:` paths in Weft's dependencies, others against `baseDir`. */
export function resolveDataPath(baseDir: string, p: string): string {
  if (!isPackagePath(p)) return path.resolve(baseDir, p);
  const r = resolvePackagePath(p);
  if ('error' in r) throw new Error(r.error);
  return r.abs;
}
