/**
 * The whole issue-22 pipeline (data.csv → prep.split → prep.standardize → model.mlp →
 * train.trainer, 1 epoch at batch 256 → eval.classification) on a generated 300,000 × 20 numeric
 * CSV with a binary label, run by `weft run` in a child process so that its peak RSS
 * (process.resourceUsage().maxRSS, reported by that process) is the pipeline's alone.
 *
 * Why 300k rows, not 1M: on the 2-core CI machine, shared with other jobs, the 1M file takes about
 * 20 s to write and the first run well over a minute, past the per-test budget; 300k rows (~27 MB
 * of CSV, 24 MB of float32 features) is past every size where a quadratic step or a per-row object
 * would show in memory, and runs in about 20-30 s. bench/scale.bench.ts measures 1M.
 *
 * Memory ceiling: WORKING_SET × the float32 feature size (the split dataset's features, its
 * standardized copy, the trainer's batches), plus the CSV reader's budget (2 × the float32 size +
 * 32 MB, as in bench/csv.bench.ts; the table's float64 columns live in it), plus a Node baseline of
 * 200 MB: the CLI run from source with onnxruntime loaded peaks at 183-186 MB on a 10k-row file,
 * where the data is under 1 MB. WORKING_SET is issue 22's target of 3. Since the splits share the
 * table's columns through a row index instead of copying them (core/common/splitRaw.ts), the
 * pipeline peaked at 296 MiB here on 2026-12-02 (under load), 50 MiB under this ceiling of 346 MiB,
 * against 380-394 MB before (when the test held the line at 6 ×). No timing is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScalePipeline, SCALE_FEATURES, writeScaleCsv } from '../../../fixtures/scale/scalePipeline';

const ROWS = 300_000;
const MB = 1024 * 1024;
const FLOAT32 = ROWS * SCALE_FEATURES * 4;
const CSV_READER_BUDGET = 2 * FLOAT32 + 32 * MB;
const NODE_BASELINE = 200 * MB;
const WORKING_SET = 3;
const CEILING = WORKING_SET * FLOAT32 + CSV_READER_BUDGET + NODE_BASELINE;

const dir = mkdtempSync(path.join(tmpdir(), 'weft-scale-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`weft run at ${ROWS.toLocaleString('en')} rows × ${SCALE_FEATURES} features`, () => {
  it('completes within the memory ceiling, learns, and a second run retrains nothing', async () => {
    await writeScaleCsv(path.join(dir, 'data.csv'), ROWS);
    const first = await runScalePipeline(dir, 'data.csv', { timeoutMs: 170_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.status).toBe('finished');
    expect(Object.values(first.nodes).map((n) => n.status)).toEqual(Array(6).fill('done'));
    expect(first.nodes.metrics?.summary?.metrics?.accuracy).toBeGreaterThan(0.9);
    expect(first.peakRssBytes).toBeGreaterThan(NODE_BASELINE / 4);
    expect(
      first.peakRssBytes,
      `peak RSS ${(first.peakRssBytes / MB).toFixed(0)} MB over the ceiling ${(CEILING / MB).toFixed(0)} MB`,
    ).toBeLessThan(CEILING);

    const second = await runScalePipeline(dir, 'data.csv', { timeoutMs: 120_000 });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(Object.entries(second.nodes).filter(([, n]) => !n.cached)).toEqual([]);
    expect(second.nodes.metrics?.summary?.metrics?.accuracy).toBe(first.nodes.metrics?.summary?.metrics?.accuracy);
  }, 300_000);
});
