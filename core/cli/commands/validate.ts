import type { Command } from 'commander';
import path from 'node:path';
import { builtinNodes, formatValidationErrors, validateGraph, type ValidationError } from '../../common';
import { clip, MAX_LISTED_ERRORS } from '../../common/graph/clip';
import { describeModelSize } from '../../common/nodes/model/limits';
import { checkDataFiles } from '../../node/checkDataFiles';
import { loadPipelineFile } from '../../node/loadPipeline';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a pipeline without running it (exit 1 when invalid)')
    .argument('<file>', 'pipeline file (*.weft.json)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { document, warnings } = await loadPipelineFile(file);
      const graph = validateGraph(document, builtinNodes);
      const fileErrors = await checkDataFiles(document, builtinNodes, graph.params, path.dirname(path.resolve(file)));
      const errors = { ...graph.errors };
      for (const [id, list] of Object.entries(fileErrors)) errors[id] = [...(errors[id] ?? []), ...list];
      const result = { ...graph, errors, ok: Object.keys(errors).length === 0 };
      if (opts.json) {
        console.log(JSON.stringify({ ok: result.ok, errors: capErrors(result.errors), warnings }));
      } else {
        for (const w of warnings) console.error(`warning: ${w}`);
        if (result.ok) {
          console.log(`${file}: valid (${document.nodes.length} nodes, ${document.edges.length} edges)`);
          for (const n of document.nodes) {
            const size = describeModelSize(n.type, result.params[n.id]);
            if (size) console.log(`${n.id}: ${size}`);
          }
        } else for (const line of formatValidationErrors(result)) console.log(line);
      }
      if (!result.ok) process.exitCode = 1;
    });
}

/** The first MAX_LISTED_ERRORS errors, node ids clipped; `…` counts the rest. */
function capErrors(errors: Record<string, ValidationError[]>): Record<string, ValidationError[]> {
  const out: Record<string, ValidationError[]> = {};
  let shown = 0;
  let total = 0;
  for (const [id, list] of Object.entries(errors)) {
    for (const e of list) {
      total++;
      if (shown < MAX_LISTED_ERRORS) {
        (out[clip(id)] ??= []).push(e);
        shown++;
      }
    }
  }
  if (total > shown) out['…'] = [{ kind: 'bad-param', message: `and ${total - shown} more errors` }];
  return out;
}
