import { z } from 'zod';
import type { NodeInfo } from '../protocol/engineApi';
import type { AnyNodeDefinition } from './NodeDefinition';

/** A node type's JSON description (`weft nodes --json`, the studio palette): ports, params as JSON Schema, defaults, doc. */
export function describeNode(def: AnyNodeDefinition): NodeInfo {
  return {
    type: def.type,
    version: def.version,
    title: def.title,
    category: def.category,
    doc: def.doc,
    inputs: def.inputs.map((p) => ({
      name: p.name,
      type: p.type,
      optional: p.optional ?? false,
      ...(p.doc ? { doc: p.doc } : {}),
    })),
    outputs: def.outputs.map((p) => ({ name: p.name, type: p.type, ...(p.doc ? { doc: p.doc } : {}) })),
    params: z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }),
    defaults: def.params.safeParse({}).data ?? null,
  };
}
