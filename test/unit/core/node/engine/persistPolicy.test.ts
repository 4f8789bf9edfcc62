import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, type NodeRegistry } from '../../../../../core/common';
import { DiskCache } from '../../../../../core/node/engine/DiskCache';
import { Engine, worthStoring } from '../../../../../core/node/engine/Engine';
import type { ExecutorRegistry } from '../../../../../core/node/executors/Executor';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { createStubLog, stubExecutors, stubNodes, type StubLog } from '../../../../fixtures/stubNodes';

const vec = { kind: 'Tensor', dtype: 'float32' } as const;
const LENGTH = 1_000_000;

const registry: NodeRegistry = {
  ...stubNodes,
  'test.counter': { ...stubNodes['test.counter'], expensive: true },
  'test.scale': defineNode({
    type: 'test.scale',
    version: 1,
    title: 'Scale',
    category: 'Test',
    doc: 'Multiplies a vector by `factor`, after waiting `ms`.',
    inputs: [{ name: 'in', type: vec }],
    outputs: [{ name: 'out', type: vec }],
    params: z.object({ factor: z.number().default(2), ms: z.number().default(0) }),
  }),
};

function executors(log: StubLog): ExecutorRegistry {
  const base = stubExecutors(log);
  return {
    ...base,
    'test.scale': async ({ inputs, params, nodeId }) => {
      log.started.push(nodeId);
      const p = params as { factor: number; ms: number };
      if (p.ms) await new Promise((r) => setTimeout(r, p.ms));
      return { outputs: { out: (inputs.in as Float32Array).map((v) => v * p.factor) } };
    },
  };
}

const doc = (factor2: number, ms = 0) =>
  pipeline(
    [
      { id: 'v', type: 'test.vector', params: { length: LENGTH } },
      { id: 's', type: 'test.scale', params: { factor: 2, ms } },
      { id: 'd', type: 'test.dot' },
      { id: 'm', type: 'test.counter' },
      { id: 's2', type: 'test.scale', params: { factor: factor2 } },
    ],
    ['v.out->s.in', 's.out->d.a', 'v.out->d.b', 'd.out->m.in', 'v.out->s2.in'],
  );

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fresh(cacheDir: string, persistMsPerMiB?: number) {
  const log = createStubLog();
  const engine = new Engine({
    registry,
    executors: executors(log),
    cacheDir,
    persist: 'measured',
    ...(persistMsPerMiB ? { persistMsPerMiB } : {}),
  });
  return { engine, log };
}

async function run(engine: Engine, d: ReturnType<typeof doc>, opts: Parameters<Engine['run']>[1] = {}) {
  const r = await engine.run(d, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.validation.errors));
  return r;
}

describe("persist: 'measured'", () => {
  it('stores small and expensive results, keeps only summaries of cheap large ones, and retrains nothing unchanged', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'weft-persist-'));
    dirs.push(cacheDir);
    const first = await fresh(cacheDir);
    await run(first.engine, doc(3));
    const info = await new DiskCache(cacheDir).info();
    expect(info.byType['test.vector']).toMatchObject({ values: 0, summaries: 1 });
    expect(info.byType['test.scale']).toMatchObject({ values: 0, summaries: 2 });
    expect(info.byType['test.dot']).toMatchObject({ values: 1, summaries: 0 });
    expect(info.byType['test.counter']).toMatchObject({ values: 1, summaries: 0 });
    expect(info.bytes).toBeLessThan(64 * 1024);

    const second = await fresh(cacheDir);
    const r2 = await run(second.engine, doc(3));
    expect(Object.values(r2.report.nodes).map((n) => n.status)).toEqual(Array(5).fill('cached'));
    expect(second.log.started).toEqual([]);
    expect(r2.report.nodes.d?.summary).toBeUndefined();
    const v = (await r2.load('v'))?.outputs.out as Float32Array;
    expect(v).toHaveLength(LENGTH);
    expect(second.log.started).toEqual(['v']);

    const third = await fresh(cacheDir);
    const r3 = await run(third.engine, doc(5));
    expect([...third.log.started].sort()).toEqual(['s2', 'v']);
    expect(r3.report.nodes.m?.status).toBe('cached');
    expect((r3.outputs.get('s2')?.outputs.out as Float32Array)[7]).toBe(5);
  });

  it('stores a large result that is slow to recompute for its size', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'weft-persist-'));
    dirs.push(cacheDir);
    const first = await fresh(cacheDir, 60);
    await run(first.engine, doc(3, 400));
    const info = await new DiskCache(cacheDir).info();
    expect(info.byType['test.scale']).toMatchObject({ values: 1, summaries: 1 });
    expect(info.byType['test.scale']?.bytes).toBeGreaterThan(LENGTH * 4);
    const second = await fresh(cacheDir, 60);
    const r = await run(second.engine, doc(3, 400), { need: ['s'] });
    expect(second.log.started).toEqual([]);
    expect((r.outputs.get('s') ?? (await r.load('s')))?.outputs.out).toHaveLength(LENGTH);
  });

  it('with lean, lets go of an intermediate once its readers have run, and load brings it back', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'weft-persist-'));
    dirs.push(cacheDir);
    const log = createStubLog();
    const engine = new Engine({ registry, executors: executors(log), cacheDir, persist: 'measured', lean: true });
    const r = await run(engine, doc(3));
    expect([...r.outputs.keys()].sort()).toEqual(['m', 's2']);
    expect(((await r.load('s'))?.outputs.out as Float32Array)[0]).toBe(2);
    expect(log.started.filter((id) => id === 'v')).toHaveLength(2);
  });

  it('weighs recompute time against size: by time per MiB, small results always', () => {
    expect(worthStoring(100 * 1024, 0, 200)).toBe(true);
    expect(worthStoring(80 * 1024 ** 2, 3000, 200)).toBe(false);
    expect(worthStoring(80 * 1024 ** 2, 17_000, 200)).toBe(true);
  });
});
