import { readFile } from 'node:fs/promises';
import { builtinNodes, loadDocument, serializeDocument, type NodeRegistry, type PipelineDocument } from '../common';
import { atomicWrite } from './engine/atomicWrite';
import { capList } from '../common/graph/clip';
import { checkReadable, fileError } from './data/openInput';
import { UserError } from './executors/Executor';

/** The largest pipeline file read (64 MiB): documents are small; anything bigger is not one. */
export const MAX_PIPELINE_BYTES = 64 * 1024 ** 2;

/** Reads and migrates a pipeline file; a problem becomes a UserError naming the file. */
export async function loadPipelineFile(
  file: string,
  registry: NodeRegistry = builtinNodes,
): Promise<{ document: PipelineDocument; warnings: string[]; migratedFrom?: number }> {
  let text: string;
  const size = await checkReadable(file);
  if (size > MAX_PIPELINE_BYTES)
    throw new UserError(`${file}: ${size} bytes is too large for a pipeline file (at most ${MAX_PIPELINE_BYTES})`);
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
  const loaded = loadDocument(text, registry);
  if (!loaded.ok) throw new UserError(`${file}: not a valid pipeline: ${capList(loaded.errors).join('; ')}`);
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
