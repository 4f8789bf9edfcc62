import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** Extensions a pipeline file may have: `*.weft.json` by convention, plain `.json` accepted. */
export const PIPELINE_EXTENSIONS = ['.weft.json', '.json'];

export function isPipelinePath(file: string): boolean {
  const lower = file.toLowerCase();
  return PIPELINE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * The pipeline files named on a command line (the first launch's argv, or a second instance's),
 * resolved against that instance's working directory. Flags and Electron's own arguments are skipped.
 */
export function pipelineArgs(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    const abs = path.resolve(cwd, arg);
    if (!isPipelinePath(abs) || !existsSync(abs)) continue;
    try {
      if (statSync(abs).isFile()) out.push(abs);
    } catch {
      /* unreadable: skip */
    }
  }
  return out;
}
