import { loadDocument, type NodeRegistry, type PipelineDocument } from '../../common';
import { diffDatasets, formatFingerprint, type RunRecord } from '../../common/runs';
import { UserError } from '../executors/Executor';
import { softwareVersions } from './environment';
import { fingerprintData } from './RunRecorder';

export interface RerunPlan {
  record: RunRecord;
  document: PipelineDocument;
  baseDir: string;
  /** Differences that do not stop a rerun but may change its numbers (versions, migrations). */
  warnings: string[];
}

/**
 * Checks that a recorded run can be re-run as it was: its pipeline snapshot loads, and every data
 * file still has the content it had. Throws a UserError naming each changed file otherwise.
 */
export async function planRerun(record: RunRecord, registry: NodeRegistry): Promise<RerunPlan> {
  const loaded = loadDocument(record.pipeline.document, registry);
  if (!loaded.ok)
    throw new UserError(`run ${record.id}: its pipeline snapshot no longer loads: ${loaded.errors.join('; ')}`);
  const warnings = [...loaded.warnings];
  if (loaded.migratedFrom !== undefined)
    warnings.push(`the pipeline snapshot was migrated from document version ${loaded.migratedFrom}`);
  const baseDir = record.pipeline.baseDir;
  const now = await fingerprintData(loaded.document, registry, baseDir);
  const changed = diffDatasets(record.datasets, now);
  if (changed.length) {
    const lines = changed.map((c) => {
      const where = record.datasets.find((d) => d.node === c.node && d.path === c.path)?.resolved ?? c.path;
      return `${where} (node ${c.node}): recorded ${formatFingerprint(c.from)}, now ${formatFingerprint(c.to)}`;
    });
    throw new UserError(
      `cannot rerun ${record.id}: its data changed since it ran — ${lines.join('; ')}. Restore the recorded data, or run the pipeline afresh with \`weft run\`.`,
      1,
    );
  }
  const v = softwareVersions();
  if (v.weft !== record.environment.weft) warnings.push(`recorded with Weft ${record.environment.weft}, now ${v.weft}`);
  if (v.onnxruntime !== record.environment.onnxruntime) {
    warnings.push(
      `recorded with onnxruntime ${record.environment.onnxruntime ?? 'unknown'}, now ${v.onnxruntime ?? 'unknown'}`,
    );
  }
  return { record, document: loaded.document, baseDir, warnings };
}

/** Whether a rerun reproduced the original: equal final metrics and equal per-epoch curves. */
export function sameResults(a: RunRecord, b: RunRecord): { identical: boolean; differences: string[] } {
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])) {
    if (!Object.is(a.metrics[key], b.metrics[key])) differences.push(`${key}: ${a.metrics[key]} → ${b.metrics[key]}`);
  }
  for (const node of new Set([...Object.keys(a.epochs), ...Object.keys(b.epochs)])) {
    const ea = a.epochs[node] ?? [];
    const eb = b.epochs[node] ?? [];
    if (ea.length !== eb.length) {
      differences.push(`${node}: ${ea.length} epochs → ${eb.length}`);
      continue;
    }
    ea.forEach((e, i) => {
      const f = eb[i];
      for (const k of new Set([...Object.keys(e.metrics), ...Object.keys(f?.metrics ?? {})])) {
        if (!Object.is(e.metrics[k], f?.metrics[k]))
          differences.push(`${node} epoch ${e.epoch} ${k}: ${e.metrics[k]} → ${f?.metrics[k]}`);
      }
    });
  }
  return { identical: differences.length === 0, differences };
}
