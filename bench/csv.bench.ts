/**
 * CSV load: a generated 1,000,000-row × 20-column numeric CSV read into a Table by our reader,
 * against pandas.read_csv (Debian python3-pandas) on the same file in the same run. Each side
 * runs in its own child process, twice; the faster run counts. Memory: peak RSS of our child
 * minus its RSS before loading, against the float32 size of the data (80 MB).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportBench } from './report';

const ROWS = 1_000_000;
const COLS = 20;
const PYTHON = '/usr/bin/python3';

async function child(file: string): Promise<void> {
  const { readCsv } = await import('../core/node/data/readCsv');
  const { csvOptionsSchema } = await import('../core/common/nodes/data/csvOptions');
  const before = process.memoryUsage().rss;
  const t = performance.now();
  const table = await readCsv(file, csvOptionsSchema.parse({}));
  const seconds = (performance.now() - t) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  if (table.rowCount !== ROWS || table.columns.length !== COLS) throw new Error(`read ${table.rowCount}×${table.columns.length}`);
  console.log(JSON.stringify({ seconds, peakDeltaMB: (peak - before) / 1e6 }));
}

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  out.write(Array.from({ length: COLS }, (_, j) => `c${j}`).join(',') + '\n');
  const batch: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const row: string[] = [];
    for (let j = 0; j < COLS; j++) row.push(((rand() - 0.5) * 200).toPrecision(6));
    batch.push(row.join(','));
    if (batch.length === 10_000) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      batch.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function runOurs(file: string): { seconds: number; peakDeltaMB: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`our reader failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; peakDeltaMB: number };
}

function runPandas(file: string): { seconds: number; peakDeltaMB: number } | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const script = [
    'import sys, time, resource',
    'try:\n    import pandas as pd\nexcept ImportError:\n    print("NOPANDAS"); sys.exit(0)',
    'import os',
    'def rss():\n    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")',
    'before = rss()',
    't = time.perf_counter()',
    'df = pd.read_csv(sys.argv[1])',
    'dt = time.perf_counter() - t',
    'peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024',
    'assert df.shape == (1000000, 20), df.shape',
    'print(dt, (peak - before) / 1e6)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) return `pandas failed: ${r.stderr.trim().split('\n').at(-1)}`;
  if (r.stdout.includes('NOPANDAS')) return 'python3-pandas is not installed';
  const [s, m] = r.stdout.trim().split(/\s+/).map(Number);
  return { seconds: s, peakDeltaMB: m };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-csv-bench-'));
  const file = path.join(dir, 'numbers.csv');
  try {
    await generate(file);
    const ours = [runOurs(file), runOurs(file)].sort((a, b) => a.seconds - b.seconds)[0];
    const p1 = runPandas(file);
    const p2 = typeof p1 === 'string' ? p1 : runPandas(file);
    const peer = typeof p1 === 'string' || typeof p2 === 'string' ? (typeof p1 === 'string' ? p1 : (p2 as string)) : [p1, p2].sort((a, b) => a.seconds - b.seconds)[0];
    const f32MB = (ROWS * COLS * 4) / 1e6;
    if (typeof peer === 'string') {
      reportBench('csv-load-1Mx20', ours.seconds, null, 's', false, peer);
      reportBench('csv-load-peak-memory', ours.peakDeltaMB, null, 'MB', false, peer);
    } else {
      reportBench('csv-load-1Mx20', ours.seconds, peer.seconds, 's', false);
      reportBench('csv-load-peak-memory', ours.peakDeltaMB, peer.peakDeltaMB, 'MB', false);
    }
    console.log(`csv-load: our peak RSS growth ${ours.peakDeltaMB.toFixed(0)} MB = ${(ours.peakDeltaMB / f32MB).toFixed(2)}× the float32 data (${f32MB} MB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
