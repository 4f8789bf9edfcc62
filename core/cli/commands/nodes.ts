import type { Command } from 'commander';
import { builtinNodes, describeNode, formatPortType, type AnyNodeDefinition } from '../../common';

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
        for (const p of def.inputs)
          console.log(`  in  ${p.name}: ${formatPortType(p.type)}${p.optional ? ' (optional)' : ''}`);
        for (const p of def.outputs) console.log(`  out ${p.name}: ${formatPortType(p.type)}`);
        const defaults = def.params.safeParse({}).data;
        if (defaults && typeof defaults === 'object' && Object.keys(defaults).length) {
          console.log(`  params: ${JSON.stringify(defaults)}`);
        }
      }
    });
}
