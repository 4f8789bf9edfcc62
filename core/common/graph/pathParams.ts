import { z } from 'zod';
import type { AnyNodeDefinition, NodeRegistry } from '../nodes/NodeDefinition';
import { lookup } from './validateGraph';
import type { PipelineDocument } from './document';
import { dirnamePath, isAbsolutePath, isPathInside, relativePath, resolvePath } from './posixPath';

/** A param that names a file or folder: one the node reads, or (`save`) one it writes. */
export interface PathParam {
  key: string;
  save: boolean;
}

type Prop = { widget?: unknown; save?: unknown; anyOf?: Prop[]; oneOf?: Prop[] };

const cache = new WeakMap<AnyNodeDefinition, PathParam[]>();

/** The params of a node type marked `.meta({ widget: 'file' | 'folder' })`. */
export function pathParams(def: AnyNodeDefinition): PathParam[] {
  const hit = cache.get(def);
  if (hit) return hit;
  let props: Record<string, Prop>;
  try {
    const schema = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, Prop>;
    };
    props = schema.properties ?? {};
  } catch {
    props = {};
  }
  const out: PathParam[] = [];
  for (const [key, prop] of Object.entries(props)) {
    const p = [prop, ...(prop.anyOf ?? []), ...(prop.oneOf ?? [])].find((x) => x.widget !== undefined) ?? prop;
    if (p.widget === 'file' || p.widget === 'folder') out.push({ key, save: p.save === true || prop.save === true });
  }
  cache.set(def, out);
  return out;
}

/**
 * The document with every non-empty path param replaced by `map(value, param)`; nodes of unknown
 * types and params `map` returns unchanged are left as they are (the same object when nothing changed).
 */
export function rebasePathParams(
  doc: PipelineDocument,
  registry: NodeRegistry,
  map: (value: string, param: PathParam) => string,
): PipelineDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const def = lookup(registry, n.type);
    if (!def) return n;
    let params = n.params;
    for (const p of pathParams(def)) {
      const v = params[p.key];
      if (typeof v !== 'string' || v === '') continue;
      const next = map(v, p);
      if (next !== v) params = { ...params, [p.key]: next };
    }
    if (params === n.params) return n;
    changed = true;
    return { ...n, params };
  });
  return changed ? { ...doc, nodes } : doc;
}

/**
 * The document as it should be written at `to` after living at `from` (both absolute file paths):
 * each relative path it reads is rewritten to still name the same file, relative to `to`'s folder
 * when that file is in `workspace`, else absolute. Paths it writes stay relative, so a copy writes
 * beside itself.
 */
export function rebaseForCopy(
  doc: PipelineDocument,
  registry: NodeRegistry,
  where: { from: string; to: string; workspace: string },
): PipelineDocument {
  const fromDir = dirnamePath(where.from);
  const toDir = dirnamePath(where.to);
  return rebasePathParams(doc, registry, (v, p) => {
    if (p.save || isAbsolutePath(v)) return v;
    const abs = resolvePath(fromDir, v);
    return isPathInside(where.workspace, abs) ? relativePath(toDir, abs) : abs;
  });
}
