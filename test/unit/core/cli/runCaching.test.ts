import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../../../../core/common';
import { runWeft } from '../../../fixtures/runWeft';

const root = path.resolve(import.meta.dirname, '../../../..');

interface RunJson {
  status: string;
  nodes: Record<
    string,
    { status: string; cached: boolean; durationMs: number; summary?: { metrics?: Record<string, number> } }
  >;
  sinks: Record<string, { metrics?: Record<string, number>; files?: string[] }>;
}

function workspaceWithIris(): { dir: string; file: string; doc: PipelineDocument } {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-run-'));
  mkdirSync(path.join(dir, 'data'));
  copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(dir, 'data/iris.csv'));
  const doc = JSON.parse(
    readFileSync(path.join(root, 'resources/examples/iris-classification.weft.json'), 'utf8'),
  ) as PipelineDocument;
  for (const n of doc.nodes) if (n.type === 'data.csv') n.params.path = 'data/iris.csv';
  for (const n of doc.nodes) if (n.type === 'train.trainer') n.params.epochs = 20;
  const file = path.join(dir, 'iris.weft.json');
  writeFileSync(file, JSON.stringify(doc));
  return { dir, file, doc };
}

function run(file: string, ...extra: string[]): RunJson {
  const r = runWeft(['run', file, '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as RunJson;
}

describe('weft run on the iris example', () => {
  it('caches every node on the second run and re-runs only what an edited parameter touches', () => {
    const { dir, file, doc } = workspaceWithIris();
    try {
      const first = run(file);
      expect(first.status).toBe('finished');
      expect(Object.values(first.nodes).every((n) => !n.cached)).toBe(true);
      expect(first.sinks.export?.files?.[0]).toMatch(/iris\.onnx$/);
      expect(first.nodes.metrics?.summary?.metrics?.accuracy).toBeGreaterThan(0.7);

      const second = run(file);
      expect(Object.entries(second.nodes).filter(([, n]) => n.status !== 'cached')).toEqual([]);

      const trainer = doc.nodes.find((n) => n.type === 'train.trainer');
      if (!trainer) throw new Error('example has no trainer');
      trainer.params.epochs = 21;
      writeFileSync(file, JSON.stringify(doc));
      const third = run(file);
      const rerun = Object.entries(third.nodes)
        .filter(([, n]) => !n.cached)
        .map(([id]) => id)
        .sort();
      expect(rerun).toEqual(['export', 'metrics', 'train']);

      rmSync(path.join(dir, 'out'), { recursive: true, force: true });
      const fourth = run(file);
      expect(fourth.nodes.export?.cached).toBe(false);
      expect(existsSync(path.join(dir, 'out/iris.onnx'))).toBe(true);

      const info = runWeft(['cache', 'info', '--json', '--workspace', dir]);
      expect(info.code, info.stderr).toBe(0);
      const held = JSON.parse(info.stdout) as {
        bytes: number;
        values: number;
        byType: Record<string, { values: number }>;
      };
      expect(held.byType['train.trainer']?.values).toBe(2);
      expect(held.bytes).toBeGreaterThan(0);
      const text = runWeft(['cache', 'info', '--workspace', dir]);
      expect(text.stdout).toMatch(/^train\.trainer +2 +0 /m);
      const cleared = runWeft(['cache', 'clear', '--workspace', dir]);
      expect(cleared.stdout).toMatch(new RegExp(`^removed ${held.values} entries`));
      const fifth = run(file);
      expect(Object.values(fifth.nodes).some((n) => n.cached)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weft validate names the nodes of a cycle and exits 1', () => {
    const r = runWeft(['validate', path.join(root, 'test/fixtures/pipelines/v2-real-cycle.weft.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/scale: cycle: (scale → squash → scale|squash → scale → squash)/);
    expect(r.stdout).toMatch(/squash: cycle:/);
  });
});
