/**
 * Scale (issue 22): the pipeline data.csv → prep.split → prep.standardize → model.mlp →
 * train.trainer (1 epoch, batch 256) → eval.classification on generated 20-feature numeric CSVs
 * with a binary label (fixed seed) at 10k, 100k and 1M rows (SCALE_ROWS=10000,100000 to choose).
 * Each size runs `weft run --json` in a fresh child process with an empty cache, then once more
 * (everything should be served from the cache). Per size: each node's time from the run report,
 * the child's peak RSS, the bytes the disk cache holds afterwards; across sizes, each node's growth
 * factor from 100k to 1M rows (time ratio / 10: 1.0 is linear per row). Peer for the data steps:
 * pandas.read_csv, then scikit-learn's train_test_split (stratified, 80/20) and StandardScaler
 * fitted on the training rows and applied to both parts, in /usr/bin/python3 on the same file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScalePipeline, writeScaleCsv, type ScaleRun } from '../test/fixtures/scale/scalePipeline';
import { peerEnv } from './peerEnv';
import { reportBench } from './report';

const PYTHON = '/usr/bin/python3';
const SIZES = (process.env.SCALE_ROWS ?? '10000,100000,1000000').split(',').map(Number);
const NODES = ['csv', 'split', 'scale', 'mlp', 'train', 'metrics'] as const;

interface Peer {
  csv: number;
  split: number;
  scale: number;
  peakMB: number;
}

const PEER = `
import sys, time, resource
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
t1 = time.perf_counter()
X = df.drop(columns=["label"]).to_numpy(dtype="float32")
y = df["label"].to_numpy()
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
t2 = time.perf_counter()
sc = StandardScaler().fit(Xtr)
Xtr = sc.transform(Xtr); Xte = sc.transform(Xte)
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{(t1-t0)*1000} {(t2-t1)*1000} {(t3-t2)*1000} {peak}")
`;

function runPeer(file: string): Peer | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', PEER, file], { encoding: 'utf8', env: peerEnv(1), timeout: 600_000 });
  if (r.status !== 0) return `peer failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`;
  const [csv, split, scale, peakMB] = r.stdout.trim().split(/\s+/).map(Number) as [number, number, number, number];
  return { csv, split, scale, peakMB };
}

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((s, n) => s + statSync(path.join(dir, n)).size, 0);
}

const label = (rows: number): string => (rows >= 1e6 ? `${rows / 1e6}M` : `${rows / 1e3}k`);

async function main(): Promise<void> {
  const times = new Map<number, Record<string, number>>();
  const peers = new Map<number, Peer>();
  console.log('# the machine may be shared with other jobs: times are wall clock of one run each');
  for (const rows of SIZES) {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-scale-'));
    try {
      await writeScaleCsv(path.join(dir, 'data.csv'), rows);
      const mb = statSync(path.join(dir, 'data.csv')).size / 1e6;
      console.log(`# ${label(rows)} rows × 20 features: ${mb.toFixed(1)} MB of CSV`);
      const first: ScaleRun = await runScalePipeline(dir, 'data.csv', { timeoutMs: 1_800_000 });
      if (first.status !== 'finished')
        throw new Error(`${label(rows)}: run ${first.status}: ${first.stderr.slice(-1500)}`);
      const cacheMB = dirBytes(path.join(dir, '.weft', 'cache')) / 1e6;
      const second = await runScalePipeline(dir, 'data.csv', { timeoutMs: 1_800_000 });
      const recomputed = Object.entries(second.nodes)
        .filter(([, n]) => !n.cached)
        .map(([id]) => id);
      const t: Record<string, number> = {};
      for (const id of NODES) t[id] = first.nodes[id]?.durationMs ?? NaN;
      times.set(rows, t);
      const peer = runPeer(path.join(dir, 'data.csv'));
      if (typeof peer !== 'string') peers.set(rows, peer);
      const note = typeof peer === 'string' ? peer : 'peer unavailable';
      const n = label(rows);
      reportBench(`scale ${n} data.csv`, t.csv, typeof peer === 'string' ? null : peer.csv, 'ms', false, note);
      reportBench(`scale ${n} prep.split`, t.split, typeof peer === 'string' ? null : peer.split, 'ms', false, note);
      reportBench(
        `scale ${n} prep.standardize`,
        t.scale,
        typeof peer === 'string' ? null : peer.scale,
        'ms',
        false,
        note,
      );
      reportBench(
        `scale ${n} split+standardize`,
        t.split + t.scale,
        typeof peer === 'string' ? null : peer.split + peer.scale,
        'ms',
        false,
        note,
      );
      for (const id of ['mlp', 'train', 'metrics'] as const)
        reportBench(`scale ${n} ${id}`, t[id], null, 'ms', false, 'no peer for this step');
      reportBench(`scale ${n} wall`, first.wallMs, null, 'ms', false, 'process start to exit, no peer');
      reportBench(
        `scale ${n} peak RSS`,
        first.peakRssBytes / 1e6,
        typeof peer === 'string' ? null : peer.peakMB,
        'MB',
        false,
        note,
      );
      reportBench(
        `scale ${n} cache written`,
        cacheMB,
        null,
        'MB',
        false,
        'no peer (the issue measured 689 MB at 1M before)',
      );
      reportBench(
        `scale ${n} second run wall`,
        second.wallMs,
        null,
        'ms',
        false,
        `recomputed: ${recomputed.join(', ') || 'none'}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const a = times.get(100_000);
  const b = times.get(1_000_000);
  if (a && b) {
    const pa = peers.get(100_000);
    const pb = peers.get(1_000_000);
    for (const id of NODES) {
      const peerGrowth = pa && pb && (id === 'csv' || id === 'split' || id === 'scale') ? pb[id] / pa[id] / 10 : null;
      reportBench(`scale growth 100k→1M ${id}`, b[id] / a[id] / 10, peerGrowth, '×', false, 'no peer for this step');
    }
  }
}

await main();
