import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pipeline } from '../../../fixtures/pipelineBuilder';

const installed = vi.hoisted(() => ({ version: '0.1.0' }));
vi.mock('../../../../core/node/version', () => ({
  get WEFT_VERSION() {
    return installed.version;
  },
}));

const { main } = await import('../../../../core/cli/main');

const root = path.resolve(import.meta.dirname, '../../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

async function runJson(file: string): Promise<{ nodes: Record<string, { status: string; cached: boolean }> }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  const code = await main(['run', file, '--json']);
  vi.restoreAllMocks();
  expect(code, lines.join('\n')).toBe(0);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as { nodes: Record<string, { status: string; cached: boolean }> };
}

describe('weft run after Weft is upgraded', () => {
  it('re-runs the nodes of a pipeline whose results the previous version cached', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-upgrade-'));
    dirs.push(dir);
    copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(dir, 'iris.csv'));
    const file = path.join(dir, 'shuffle.weft.json');
    const doc = pipeline(
      [
        { id: 'data', type: 'data.csv', params: { path: 'iris.csv' } },
        { id: 'shuffle', type: 'prep.shuffle', params: { seed: 7 } },
      ],
      ['data.table->shuffle.table'],
    );
    writeFileSync(file, JSON.stringify(doc));
    const statuses = (r: Awaited<ReturnType<typeof runJson>>): string[] =>
      ['data', 'shuffle'].map((id) => r.nodes[id]?.status ?? 'absent');

    expect(statuses(await runJson(file))).toEqual(['done', 'done']);
    expect(statuses(await runJson(file))).toEqual(['cached', 'cached']);
    installed.version = '0.2.0';
    expect(statuses(await runJson(file))).toEqual(['done', 'done']);
    expect(statuses(await runJson(file))).toEqual(['cached', 'cached']);
  });
});
