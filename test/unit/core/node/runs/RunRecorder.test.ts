import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffRuns } from '../../../../../core/common/runs';
import { UserError } from '../../../../../core/node/executors/Executor';
import { runRecorded } from '../../../../../core/node/runs/recordedRun';
import { planRerun, sameResults } from '../../../../../core/node/runs/rerun';
import { LOG_FILE, RunStore } from '../../../../../core/node/runs/RunStore';
import { fitEngine, fitNodes, fitPipeline, pointsCsv } from './fixtures/fitNodes';

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-rec-'));
  writeFileSync(path.join(dir, 'points.csv'), pointsCsv());
  return dir;
}

describe('RunRecorder', () => {
  it('records snapshot, resolved params, seeds, data fingerprints, versions, provider, epochs and final metrics', async () => {
    const ws = workspace();
    const doc = fitPipeline({ fit: { epochs: 4, lr: 0.1 }, seed: 3 });
    const { outcome, record } = await runRecorded(fitEngine(), doc, {
      store: new RunStore(ws),
      registry: fitNodes,
      baseDir: ws,
      workspace: ws,
    });
    expect(outcome.ok).toBe(true);
    const r = record!;
    expect(r.status).toBe('finished');
    expect(r.pipeline.document).toEqual(doc);
    expect(r.pipeline.name).toBe('line fit');
    expect(r.nodes.fit.params).toEqual({ epochs: 4, lr: 0.1, seed: 1, delayMs: 0 });
    expect(r.seed).toBe(3);
    expect(r.seeds).toEqual({ fit: 1 });
    const pkg = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version: string };
    const ort = JSON.parse(readFileSync(path.resolve('node_modules/onnxruntime-node/package.json'), 'utf8')) as {
      version: string;
    };
    expect(r.environment.weft).toBe(pkg.version);
    expect(r.environment.onnxruntime).toBe(ort.version);
    expect(r.environment.providers).toEqual({ fit: 'cpu' });
    expect(r.datasets).toHaveLength(1);
    expect(r.datasets[0].resolved).toBe(path.join(ws, 'points.csv'));
    const bytes = Buffer.byteLength(pointsCsv());
    expect(r.datasets[0].fingerprint).toMatch(new RegExp(`^${bytes}:[0-9a-f]{64}$`));
    expect(r.epochs.fit.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(r.metrics['fit.a']).toBe(r.epochs.fit[3].metrics.a);
    expect(r.metrics['score.slope']).toBe(r.metrics['fit.a']);
    expect(outcome.ok && outcome.keys.fit).toBe(r.nodes.fit.key);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(await new RunStore(ws).read(r.id)).toEqual(r);
  });

  it('keeps a diverged loss (Infinity, NaN) readable', async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const { record } = await runRecorded(fitEngine(), fitPipeline({ fit: { epochs: 60, lr: 50 } }), {
      store,
      registry: fitNodes,
      baseDir: ws,
    });
    const losses = record!.epochs.fit.map((e) => e.metrics.loss);
    expect(losses.some((l) => !Number.isFinite(l))).toBe(true);
    const back = await store.read(record!.id);
    expect(back.epochs.fit.map((e) => e.metrics.loss)).toEqual(losses);
    expect(back.metrics['fit.a']).toEqual(record!.metrics['fit.a']);
  });

  it('still runs the pipeline when the run cannot be recorded, saying why once', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, '.weft'), 'a file where the .weft folder should be');
    const errors: unknown[] = [];
    const { outcome, record } = await runRecorded(fitEngine(), fitPipeline(), {
      store: new RunStore(ws),
      registry: fitNodes,
      baseDir: ws,
      onRecordError: (e) => errors.push(e),
    });
    expect(outcome.ok && outcome.report.status).toBe('finished');
    expect(record).toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('records a failed node as a failed run and a cancelled run as cancelled', async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const missing = await runRecorded(fitEngine(), fitPipeline({ path: 'nope.csv' }), {
      store,
      registry: fitNodes,
      baseDir: ws,
    });
    expect(missing.record!.status).toBe('failed');
    expect(missing.record!.nodes.points.status).toBe('failed');
    expect(missing.record!.nodes.points.error).toContain('nope.csv');
    expect(missing.record!.datasets[0].fingerprint).toMatch(/^missing:/);
    const controller = new AbortController();
    const cancelled = await runRecorded(fitEngine(), fitPipeline({ fit: { epochs: 500, delayMs: 5 } }), {
      store,
      registry: fitNodes,
      baseDir: ws,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'epoch.metrics' && e.epoch === 3) controller.abort();
      },
    });
    expect(cancelled.record!.status).toBe('cancelled');
    expect(cancelled.record!.epochs.fit.length).toBeGreaterThanOrEqual(3);
    expect(cancelled.record!.epochs.fit.length).toBeLessThan(500);
    const journal = readFileSync(path.join(store.dir, cancelled.record!.id, LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: string; node?: string; status?: string; error?: string })
      .filter((entry) => entry.t === 'node');
    expect(journal.filter((entry) => entry.node !== 'points')).toEqual([
      { t: 'node', node: 'fit', status: 'cancelled', error: 'cancelled' },
      { t: 'node', node: 'score', status: 'cancelled', error: 'not run: upstream node fit cancelled' },
    ]);
    expect(cancelled.record!.nodes.score.status).toBe('cancelled');
    const invalid = fitPipeline();
    invalid.edges = [];
    const bad = await runRecorded(fitEngine(), invalid, { store, registry: fitNodes, baseDir: ws });
    expect(bad.record!.status).toBe('failed');
    expect(bad.record!.error).toContain('invalid pipeline');
  });
});

describe('rerun', () => {
  it('reproduces a recorded run exactly from its snapshot, params and seed', async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const first = (
      await runRecorded(fitEngine(), fitPipeline({ fit: { epochs: 6, lr: 0.07, seed: 42 }, score: { scale: 3 } }), {
        store,
        registry: fitNodes,
        baseDir: ws,
      })
    ).record!;
    const plan = await planRerun(await store.read(first.id), fitNodes);
    expect(plan.warnings).toEqual([]);
    const again = (
      await runRecorded(fitEngine(), plan.document, {
        store,
        registry: fitNodes,
        baseDir: plan.baseDir,
        noCache: true,
        rerunOf: first.id,
      })
    ).record!;
    expect(again.rerunOf).toBe(first.id);
    expect(again.id).not.toBe(first.id);
    expect(sameResults(first, again)).toEqual({ identical: true, differences: [] });
    expect(again.metrics).toEqual(first.metrics);
    expect(again.epochs).toEqual(first.epochs);
    expect(diffRuns(first, again).sameInputs).toBe(true);

    const other = (
      await runRecorded(fitEngine(), fitPipeline({ fit: { epochs: 6, lr: 0.07, seed: 43 }, score: { scale: 3 } }), {
        store,
        registry: fitNodes,
        baseDir: ws,
      })
    ).record!;
    const cmp = sameResults(first, other);
    expect(cmp.identical).toBe(false);
    expect(cmp.differences.some((d) => d.startsWith('fit.a'))).toBe(true);
    const d = diffRuns(first, other);
    expect(d.pipeline.params).toEqual([{ node: 'fit', path: 'seed', from: 42, to: 43 }]);
  });

  it('refuses with the file named when the data changed since the run', async () => {
    const ws = workspace();
    const store = new RunStore(ws);
    const first = (await runRecorded(fitEngine(), fitPipeline(), { store, registry: fitNodes, baseDir: ws })).record!;
    writeFileSync(path.join(ws, 'points.csv'), pointsCsv(3));
    const err = await planRerun(first, fitNodes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(path.join(ws, 'points.csv'));
    expect((err as UserError).message).toContain('data changed');
    writeFileSync(path.join(ws, 'points.csv'), pointsCsv());
    await expect(planRerun(first, fitNodes)).resolves.toMatchObject({ baseDir: ws });
  });
});
