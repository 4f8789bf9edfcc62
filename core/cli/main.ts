import { Command, CommanderError } from 'commander';
import { UserError } from '../node/executors/Executor';
import { registerCacheCommand } from './commands/cache';
import { registerDataCommand } from './commands/data';
import { registerExportCommand } from './commands/export';
import { registerNodesCommand } from './commands/nodes';
import { registerRunCommand } from './commands/run';
import { registerRunsCommand } from './commands/runs';
import { registerServeCommand } from './commands/serve';
import { registerServeModelCommand } from './commands/serveModel';
import { registerStudioCommand } from './commands/studio';
import { registerValidateCommand } from './commands/validate';
import { WEFT_VERSION } from '../node/version';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('weft')
    .description('Weft: build, run and export machine-learning pipelines')
    .version(WEFT_VERSION)
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .showHelpAfterError();
  registerRunCommand(program);
  registerRunsCommand(program);
  registerValidateCommand(program);
  registerNodesCommand(program);
  registerDataCommand(program);
  registerExportCommand(program);
  registerStudioCommand(program);
  registerServeCommand(program);
  registerServeModelCommand(program);
  registerCacheCommand(program);
  return program;
}

/** A reader that stops early (`weft nodes | head -1`) closes the pipe: end quietly, as Unix tools do. */
let pipeGuarded = false;
function endQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw e;
    });
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    const verbose = argv.includes('--verbose');
    if (e instanceof UserError) {
      console.error(`weft: ${e.message}`);
      if (verbose) console.error(e.stack);
      return e.exitCode;
    }
    console.error(`weft: ${e instanceof Error ? e.message : String(e)}`);
    if (verbose && e instanceof Error) console.error(e.stack);
    return 1;
  }
}
