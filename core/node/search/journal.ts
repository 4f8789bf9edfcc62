import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MetricValueSchema, runJson } from '../../common/runs/runRecord';
import type { TrialEntry } from './searchLoop';

const EntrySchema = z.object({
  index: z.number().int().min(0),
  config: z.array(z.unknown()),
  status: z.enum(['finished', 'pruned', 'failed']),
  objective: MetricValueSchema.optional(),
  cost: MetricValueSchema.optional(),
  epochs: z.number().int().min(0),
  reason: z.string().optional(),
  recordId: z.string().optional(),
  rungs: z.record(z.string(), MetricValueSchema),
});

/**
 * A search's trials on disk, one JSON line appended as each trial ends, so a killed search resumes
 * without running them again. The file is named by the search's definition key: a changed search
 * (params, pipeline, data) starts a journal of its own.
 */
export class SearchJournal {
  readonly file: string;

  constructor(
    readonly dir: string,
    key: string,
  ) {
    this.file = path.join(dir, `${key.slice(0, 32)}.jsonl`);
  }

  /** Trials recorded so far, by index (the last line for an index wins); torn lines are skipped. */
  async read(): Promise<TrialEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const byIndex = new Map<number, TrialEntry>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = EntrySchema.safeParse(JSON.parse(line));
        if (parsed.success) byIndex.set(parsed.data.index, parsed.data);
      } catch {
        /* a line torn by a kill */
      }
    }
    return [...byIndex.values()].sort((a, b) => a.index - b.index);
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }

  /** Appends one trial synchronously: it is on disk when this returns. */
  append(entry: TrialEntry): void {
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(this.file, `${runJson(entry)}\n`);
  }
}
