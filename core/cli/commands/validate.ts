import type { Command } from 'commander';
import { builtinNodes, formatValidationErrors, validateGraph } from '../../common';
import { loadPipelineFile } from '../../node/loadPipeline';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a pipeline without running it (exit 1 when invalid)')
    .argument('<file>', 'pipeline file (*.weft.json)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { document, warnings } = await loadPipelineFile(file);
      const result = validateGraph(document, builtinNodes);
      if (opts.json) {
        console.log(JSON.stringify({ ok: result.ok, errors: result.errors, warnings }));
      } else {
        for (const w of warnings) console.error(`warning: ${w}`);
        if (result.ok) console.log(`${file}: valid (${document.nodes.length} nodes, ${document.edges.length} edges)`);
        else for (const line of formatValidationErrors(result)) console.log(line);
      }
      if (!result.ok) process.exitCode = 1;
    });
}
