import type { Command } from 'commander';
import { z } from 'zod';
import { builtinNodes, formatPortType, type AnyNodeDefinition } from '../../common';

/** A node type's JSON description: ports, params (JSON Schema with defaults) and doc. */
export function describeNode(def: AnyNodeDefinition): Record<string, unknown> {
  return {
    type: def.type,
    version: def.version,
    title: def.title,
    category: def.category,
    doc: def.doc,
    inputs: def.inputs.map((p) => ({ name: p.name, type: p.type, optional: p.optional ?? false, doc: p.doc })),
    outputs: def.outputs.map((p) => ({ name: p.name, type: p.type, doc: p.doc })),
    params: z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }),
    defaults: def.params.safeParse({}).data ?? null,
  };
}

export function registerNodesCommand(program: Command): void {
  program
    .command('nodes')
    .description('list every node type with its ports, params and defaults')
    .option('--json', 'print one JSON array')
    .action((opts: { json?: boolean }) => {
      const defs: AnyNodeDefinition[] = Object.values(builtinNodes);
      if (opts.json) {
        console.log(JSON.stringify(defs.map(describeNode), null, 2));
        return;
      }
      for (const def of defs) {
        console.log(`${def.type} (v${def.version}) [${def.category}] ${def.title}`);
        console.log(`  ${def.doc}`);
        for (const p of def.inputs) console.log(`  in  ${p.name}: ${formatPortType(p.type)}${p.optional ? ' (optional)' : ''}`);
        for (const p of def.outputs) console.log(`  out ${p.name}: ${formatPortType(p.type)}`);
        const defaults = def.params.safeParse({}).data;
        if (defaults && typeof defaults === 'object' && Object.keys(defaults).length) {
          console.log(`  params: ${JSON.stringify(defaults)}`);
        }
      }
    });
}
