import type { NodeRegistry } from '../nodes/NodeDefinition';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, PipelineDocumentSchema, type PipelineDocument } from './document';
import { capList, clip } from './clip';

type Json = Record<string, unknown>;

/**
 * Document migrations: `documentMigrations[v]` turns a version v-1 document into version v.
 * Version 1 wrote edges as `{ from: "node.port", to: "node.port" }` and kept node params under `config`.
 */
export const documentMigrations: Readonly<Record<number, (doc: Json) => Json>> = {
  2: (doc) => {
    const split = (s: unknown): { node: string; port: string } => {
      const text = String(s);
      const dot = text.lastIndexOf('.');
      return dot < 0 ? { node: text, port: '' } : { node: text.slice(0, dot), port: text.slice(dot + 1) };
    };
    const edges = Array.isArray(doc.edges) ? (doc.edges as Json[]) : [];
    const nodes = Array.isArray(doc.nodes) ? (doc.nodes as Json[]) : [];
    return {
      ...doc,
      version: 2,
      nodes: nodes.map((n) => {
        const { config, ...rest } = n;
        return { ...rest, params: rest.params ?? config ?? {} };
      }),
      edges: edges.map((e, i) => {
        if (e.source && e.target) return e;
        const source = split(e.from);
        const target = split(e.to);
        return { id: typeof e.id === 'string' ? e.id : `e${i}`, source, target };
      }),
    };
  },
};

export type LoadResult =
  { ok: true; document: PipelineDocument; migratedFrom?: number; warnings: string[] } | { ok: false; errors: string[] };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses, migrates and validates a pipeline document. Never throws: bad input yields errors
 * that say where the problem is. Node params are migrated to their type's current version when
 * a registry is given; unknown node types are left for `validateGraph` to report.
 */
export function loadDocument(input: unknown, registry?: NodeRegistry): LoadResult {
  let raw = input;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw.replace(/^\uFEFF/, '')) as unknown;
    } catch (e) {
      return { ok: false, errors: [`not valid JSON: ${clip((e as Error).message)}`] };
    }
  }
  if (!isObject(raw)) return { ok: false, errors: ['a pipeline document is a JSON object'] };
  if (raw.format !== DOCUMENT_FORMAT) {
    return {
      ok: false,
      errors: [`format must be "${DOCUMENT_FORMAT}", found ${clip(JSON.stringify(raw.format) ?? 'nothing')}`],
    };
  }
  const from = raw.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return {
      ok: false,
      errors: [`version must be a positive integer, found ${clip(JSON.stringify(from) ?? 'nothing')}`],
    };
  }
  if (from > DOCUMENT_VERSION) {
    return {
      ok: false,
      errors: [`document version ${from} is newer than this Weft understands (${DOCUMENT_VERSION}); update Weft`],
    };
  }
  let doc: Json = raw;
  try {
    for (let v = from + 1; v <= DOCUMENT_VERSION; v++) {
      const step = documentMigrations[v];
      if (!step) return { ok: false, errors: [`no migration to document version ${v}`] };
      doc = step(doc);
    }
  } catch (e) {
    return { ok: false, errors: [`migration from version ${from} failed: ${(e as Error).message}`] };
  }
  const parsed = PipelineDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      errors: capList(
        parsed.error.issues.map((i) => clip(`${i.path.length ? i.path.join('.') : '(document)'}: ${i.message}`)),
      ),
    };
  }
  const warnings: string[] = [];
  const document = parsed.data;
  if (registry) {
    document.nodes = document.nodes.map((n) => {
      const def = Object.hasOwn(registry, n.type) ? registry[n.type] : undefined;
      if (!def || n.version >= def.version) return n;
      let params = n.params;
      for (let v = n.version + 1; v <= def.version; v++) {
        const step = def.migrations?.[v];
        if (!step) {
          warnings.push(`node ${n.id}: no migration for ${n.type} to version ${v}; params kept as they were`);
          continue;
        }
        try {
          params = step(params);
        } catch (e) {
          warnings.push(`node ${n.id}: migration of ${n.type} to version ${v} failed: ${(e as Error).message}`);
        }
      }
      return { ...n, version: def.version, params };
    });
  }
  return { ok: true, document, ...(from !== DOCUMENT_VERSION ? { migratedFrom: from } : {}), warnings };
}

/** Stable, human-diffable serialisation of a document. */
export function serializeDocument(doc: PipelineDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
