import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinNodes, loadDocument, type PipelineDocument } from '../../../../../core/common';
import { Engine } from '../../../../../core/node/engine/Engine';
import { builtinExecutors } from '../../../../../core/node/executors';

const root = path.resolve(import.meta.dirname, '../../../../..');
const tmp = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), prefix));

let dir: string;
let doc: PipelineDocument;
let clean: Record<string, number>;
let trainKey: string;

function engine(cacheDir: string, warnings: string[] = []): Engine {
  return new Engine({
    registry: builtinNodes,
    executors: builtinExecutors,
    cacheDir,
    persist: 'all',
    warn: (m) => warnings.push(m),
  });
}

async function run(cacheDir: string, warnings: string[] = [], noCache = false) {
  const outcome = await engine(cacheDir, warnings).run(doc, { baseDir: dir, workspace: dir, noCache });
  if (!outcome.ok) throw new Error('invalid');
  return outcome;
}

const metricsOf = (o: Awaited<ReturnType<typeof run>>): Record<string, number> =>
  o.report.nodes.metrics?.summary?.metrics ?? {};

beforeAll(async () => {
  dir = tmp('weft-cache-corrupt-');
  copyFileSync(path.join(root, 'resources/data/iris.csv'), path.join(dir, 'iris.csv'));
  const raw = JSON.parse(readFileSync(path.join(root, 'resources/examples/iris-classification.weft.json'), 'utf8')) as {
    nodes: { id: string; type: string; params: Record<string, unknown> }[];
    edges: { target: { node: string } }[];
  };
  raw.nodes = raw.nodes.filter((n) => n.type !== 'export.onnx');
  for (const n of raw.nodes) {
    if (n.type === 'data.csv') n.params.path = 'iris.csv';
    if (n.type === 'train.trainer') n.params.epochs = 5;
  }
  raw.edges = raw.edges.filter((e) => raw.nodes.some((n) => n.id === e.target.node));
  const loaded = loadDocument(raw, builtinNodes);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  doc = loaded.document;
  const reference = await run(tmp('weft-cache-ref-'));
  clean = metricsOf(reference);
  trainKey = reference.keys.train ?? '';
  expect(Object.keys(clean).length).toBeGreaterThan(1);
});

describe('a corrupt disk cache entry is deleted and recomputed, with one warning', () => {
  const corruptions: [string, (bin: string, json: string) => void, RegExp][] = [
    [
      'flipped bytes',
      (bin) => {
        const b = readFileSync(bin);
        for (let i = Math.floor(b.length / 3); i < b.length; i += 97) b[i] ^= 0xff;
        writeFileSync(bin, b);
      },
      /does not match its sha256/,
    ],
    ['truncated', (bin) => truncateSync(bin, Math.floor(readFileSync(bin).length / 2)), /truncated/],
    ['the .json deleted', (_bin, json) => rmSync(json), /has no metadata file/],
    ['the .bin deleted', (bin) => rmSync(bin), /has metadata but no data file/],
    [
      'the .json rewritten without a hash',
      (_bin, json) => writeFileSync(json, '{"summary":null}'),
      /unreadable metadata/,
    ],
  ];

  it.each(corruptions)(
    '%s: the run ends with the clean run’s metrics',
    async (_name, corrupt, warning) => {
      const cacheDir = tmp('weft-cache-');
      await run(cacheDir);
      const bin = path.join(cacheDir, `${trainKey}.bin`);
      const json = path.join(cacheDir, `${trainKey}.json`);
      expect(existsSync(bin) && existsSync(json)).toBe(true);
      corrupt(bin, json);
      const warnings: string[] = [];
      const again = await run(cacheDir, warnings);
      expect(again.report.status).toBe('finished');
      expect(again.report.nodes.train?.status).toBe('done');
      expect(again.report.nodes.csv?.status).toBe('cached');
      expect(metricsOf(again)).toEqual(clean);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
      const third = await run(cacheDir);
      expect(third.report.nodes.train?.status).toBe('cached');
      expect(metricsOf(third)).toEqual(clean);
    },
    60_000,
  );
});

describe('the cache folder', () => {
  it('sweeps temp files of dead processes and keeps the live ones', async () => {
    const cacheDir = tmp('weft-cache-sweep-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = `.${'a'.repeat(64)}.bin.${dead}.deadbeef.tmp`;
    const live = `.${'b'.repeat(64)}.bin.${process.ppid}.cafebabe.tmp`;
    writeFileSync(path.join(cacheDir, stale), 'torn');
    writeFileSync(path.join(cacheDir, live), 'being written');
    await run(cacheDir);
    const names = readdirSync(cacheDir);
    expect(names).not.toContain(stale);
    expect(names).toContain(live);
  }, 60_000);

  it('gives one warning and runs on when the folder cannot be written', async () => {
    const blocker = path.join(tmp('weft-cache-blocked-'), 'cache');
    writeFileSync(blocker, 'a file where the cache folder should be');
    const warnings: string[] = [];
    const o = await run(blocker, warnings);
    expect(o.report.status).toBe('finished');
    expect(metricsOf(o)).toEqual(clean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot write the cache in .*going on without the disk cache/);
  }, 60_000);

  it('is never created or touched with --no-cache', async () => {
    const cacheDir = path.join(tmp('weft-cache-none-'), 'cache');
    const o = await run(cacheDir, [], true);
    expect(metricsOf(o)).toEqual(clean);
    expect(existsSync(cacheDir)).toBe(false);
  }, 60_000);
});
