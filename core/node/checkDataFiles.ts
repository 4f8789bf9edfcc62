import { stat } from 'node:fs/promises';
import { lookup, type NodeRegistry, type PipelineDocument, type ValidationError } from '../common';
import { specialKind } from './data/openInput';
import { resolveDataPath } from './executors/Executor';

/**
 * The data files each node declares (its `fingerprint`), checked before anything runs: each must
 * exist and be a regular file or a folder. Errors are keyed by node, like `validateGraph`'s.
 */
export async function checkDataFiles(
  doc: PipelineDocument,
  registry: NodeRegistry,
  params: Record<string, unknown>,
  baseDir: string,
): Promise<Record<string, ValidationError[]>> {
  const errors: Record<string, ValidationError[]> = {};
  for (const n of doc.nodes) {
    const def = lookup(registry, n.type);
    if (!def?.fingerprint || !(n.id in params)) continue;
    let files: string[];
    try {
      files = def.fingerprint(params[n.id]);
    } catch {
      continue;
    }
    for (const f of files) {
      let abs: string;
      try {
        abs = resolveDataPath(baseDir, f);
      } catch (e) {
        (errors[n.id] ??= []).push({ kind: 'missing-file', message: (e as Error).message, path: [f] });
        continue;
      }
      const problem = await stat(abs).then(
        (st) => {
          const special = specialKind(st);
          return special ? `is ${special}, expected a data file` : undefined;
        },
        (e: NodeJS.ErrnoException) =>
          e.code === 'ENOENT' || e.code === 'ENOTDIR'
            ? 'no such file or folder'
            : `cannot be read (${e.code ?? e.message})`,
      );
      if (problem)
        (errors[n.id] ??= []).push({
          kind: 'missing-file',
          message: `${abs === f ? f : `${f} (${abs})`}: ${problem}`,
          path: [f],
        });
    }
  }
  return errors;
}
