import { readFile } from 'node:fs/promises';
import { builtinNodes, loadDocument, serializeDocument, type NodeRegistry, type PipelineDocument } from '../common';
import { atomicWrite } from './engine/atomicWrite';
import { UserError } from './executors/Executor';

/** Reads and migrates a pipeline file; a problem becomes a UserError naming the file. */
export async function loadPipelineFile(
  file: string,
  registry: NodeRegistry = builtinNodes,
): Promise<{ document: PipelineDocument; warnings: string[]; migratedFrom?: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UserError(`${file}: cannot read pipeline: ${why}`);
  }
  const loaded = loadDocument(text, registry);
  if (!loaded.ok) throw new UserError(`${file}: not a valid pipeline: ${loaded.errors.join('; ')}`);
  return {
    document: loaded.document,
    warnings: loaded.warnings,
    ...(loaded.migratedFrom !== undefined ? { migratedFrom: loaded.migratedFrom } : {}),
  };
}

/** Saves a pipeline atomically (temp file + rename). */
export async function savePipelineFile(file: string, doc: PipelineDocument): Promise<void> {
  await atomicWrite(file, serializeDocument(doc));
}
