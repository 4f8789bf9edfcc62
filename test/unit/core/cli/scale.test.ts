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
 * Memory ceiling: the peak of the same pipeline on a 3,000-row file, run the same way just before (the
 * Node baseline: the CLI from source with onnxruntime loaded, where the data is under 1 MB; 179-186
 * MB here, but it depends on the machine, so it is measured, not assumed), plus WORKING_SET × the
 * float32 feature size (the split dataset's features, its standardized copy, the trainer's batches),
 * plus the CSV reader's budget: 2 × the float32 size + 32 MB, as in bench/csv.bench.ts (the table's
 * float64 columns live in it), and CSV_WORKER for the worker thread it reads a file of 8 MB or more
 * with on a machine of 2 cores or more (its isolate, and what its allocator arena keeps after
 * it ends: with MALLOC_ARENA_MAX=1 the peak falls from 324-343 to 296 MiB here, the one-thread
 * figure). WORKING_SET is issue 22's target of 3. On 2026-12-02 (quiet, 2 cores) the pipeline peaked
 * at 324-343 MiB against a ceiling of about 370 MiB. The ceiling used to assume a 200 MB baseline
 * and no worker; CI then failed at 347 against 346 MiB. The runs here get the environment as it is,
 * not the malloc tunables `bin/weft.js` relaunches `weft run` with (bin/mallocTunables.js), so the
 * figure is the pipeline's own, whatever the allocator's policy. With those tunables (huge pages,
 * two arenas) the same test peaked at 299-358 MiB against ceilings of 369-377 MiB, and 304-310
 * without them (3 Dec 2026): huge pages sometimes add about 50 MiB. No timing is asserted.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScalePipeline, SCALE_FEATURES, writeScaleCsv } from '../../../fixtures/scale/scalePipeline';

const ROWS = 300_000;
const MB = 1024 * 1024;
const FLOAT32 = ROWS * SCALE_FEATURES * 4;
const CSV_WORKER = availableParallelism() > 1 ? 40 * MB : 0;
const CSV_READER_BUDGET = 2 * FLOAT32 + 32 * MB + CSV_WORKER;
const WORKING_SET = 3;

const dir = mkdtempSync(path.join(tmpdir(), 'weft-scale-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`weft run at ${ROWS.toLocaleString('en')} rows × ${SCALE_FEATURES} features`, () => {
  it('completes within the memory ceiling, learns, and a second run retrains nothing', async () => {
    // in a workspace of its own, so that the big run caches nothing from it
    const smallDir = path.join(dir, 'small');
    mkdirSync(smallDir);
    await writeScaleCsv(path.join(smallDir, 'data.csv'), 3_000);
    const small = await runScalePipeline(smallDir, 'data.csv', { timeoutMs: 120_000 });
    expect(small.exitCode, small.stderr).toBe(0);
    const baseline = small.peakRssBytes;
    expect(baseline).toBeGreaterThan(50 * MB);
    const CEILING = baseline + WORKING_SET * FLOAT32 + CSV_READER_BUDGET;

    await writeScaleCsv(path.join(dir, 'data.csv'), ROWS);
    const first = await runScalePipeline(dir, 'data.csv', { timeoutMs: 170_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.status).toBe('finished');
    expect(Object.values(first.nodes).map((n) => n.status)).toEqual(Array(6).fill('done'));
    expect(first.nodes.metrics?.summary?.metrics?.accuracy).toBeGreaterThan(0.9);
    console.log(
      `scale test: peak RSS ${(first.peakRssBytes / MB).toFixed(0)} MiB, ceiling ${(CEILING / MB).toFixed(0)} MiB (baseline ${(baseline / MB).toFixed(0)} MiB)`,
    );
    expect(
      first.peakRssBytes,
      `peak RSS ${(first.peakRssBytes / MB).toFixed(0)} MB over the ceiling ${(CEILING / MB).toFixed(0)} MB (baseline ${(baseline / MB).toFixed(0)} MB)`,
    ).toBeLessThan(CEILING);

    const second = await runScalePipeline(dir, 'data.csv', { timeoutMs: 120_000 });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(Object.entries(second.nodes).filter(([, n]) => !n.cached)).toEqual([]);
    expect(second.nodes.metrics?.summary?.metrics?.accuracy).toBe(first.nodes.metrics?.summary?.metrics?.accuracy);
  }, 420_000);
});
