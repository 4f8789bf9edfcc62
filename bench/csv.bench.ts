/**
 * CSV load: a generated 1,000,000-row × 20-column numeric CSV read into a Table by our reader,
 * against pandas.read_csv (Debian python3-pandas) and DuckDB's read_csv (@duckdb/node-api, its
 * default thread count) on the same file in the same run; then the same on a mixed-type file
 * (numbers, categories, quoted text with commas and quotes, missing values). Ours reads on
 * one thread per core (the reader's default for files this large), from an esbuild bundle of
 * the reader and its worker as the CLI ships them (dist/cli), so a worker does not start by
 * transpiling TypeScript. Each side runs in its own child process, ROUNDS times, alternating; the median run counts (wall clock;
 * CPU seconds are printed too, as the machine may be shared). Memory: peak RSS of a child minus
 * its RSS before loading; ours against pandas' and against the budget of twice the float32 size
 * of the data (2 × 80 MB) plus BUDGET_CONSTANT_MB.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportBench } from './report';

const ROWS = 1_000_000;
const COLS = 20;
const PYTHON = '/usr/bin/python3';
const ROUNDS = 3;
const BUDGET_CONSTANT_MB = 32;

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakDeltaMB: number;
  /** Ours: the CPU seconds of the reading thread alone, where /proc tells them (the wall time on idle cores is about this). */
  mainCpuSeconds?: number;
}

/** The CPU seconds of this process's main thread so far, from /proc (Linux); NaN elsewhere. */
function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function child(file: string): Promise<void> {
  const { readCsv } = await import('../core/node/data/readCsv');
  const { csvOptionsSchema } = await import('../core/common/nodes/data/csvOptions');
  const before = process.memoryUsage().rss;
  const mainBefore = mainThreadCpu();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const table = await readCsv(file, csvOptionsSchema.parse({}));
  const mainCpuSeconds = mainThreadCpu() - mainBefore;
  const seconds = (performance.now() - t) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const peak = process.resourceUsage().maxRSS * 1024;
  if (table.rowCount !== ROWS) throw new Error(`read ${table.rowCount}×${table.columns.length}`);
  const run: Run = { seconds, cpuSeconds: (user + system) / 1e6, peakDeltaMB: (peak - before) / 1e6, mainCpuSeconds };
  console.log(JSON.stringify(run));
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

/** This bench and the CSV worker bundled as `scripts/build-cli.mjs` bundles the CLI; returns the bench's bundle. */
async function bundleOurs(): Promise<string> {
  const { build } = await import('esbuild');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  // inside the checkout, so that the bundle finds the npm packages it leaves out
  const outdir = path.join(root, 'dist', 'bench-csv');
  await build({
    absWorkingDir: root,
    entryPoints: { 'csv-bench': 'bench/csv.bench.ts', 'csv-worker': 'core/node/data/csvWorker.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return path.join(outdir, 'csv-bench.mjs');
}

let oursBundle = '';

function runOurs(file: string): Run {
  const r = spawnSync(process.execPath, [oursBundle, '--child', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`our reader failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
}

function runPandas(file: string): Run | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const script = [
    'import sys, time, resource',
    'try:\n    import pandas as pd\nexcept ImportError:\n    print("NOPANDAS"); sys.exit(0)',
    'import os',
    'def rss():\n    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")',
    'before = rss()',
    't = time.perf_counter()',
    'c = time.process_time()',
    'df = pd.read_csv(sys.argv[1])',
    'dt = time.perf_counter() - t',
    'dc = time.process_time() - c',
    'peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024',
    'assert df.shape[0] == 1000000, df.shape',
    'print(dt, dc, (peak - before) / 1e6)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) return `pandas failed: ${r.stderr.trim().split('\n').at(-1)}`;
  if (r.stdout.includes('NOPANDAS')) return 'python3-pandas is not installed';
  const [seconds, cpuSeconds, peakDeltaMB] = r.stdout.trim().split(/\s+/).map(Number);
  return { seconds, cpuSeconds, peakDeltaMB };
}

async function generateMixed(file: string): Promise<void> {
  const out = createWriteStream(file);
  let seed = 777;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const cities = ['Oslo', 'Lima', 'Pune', 'Cork', 'Kyiv', 'Nice', 'Perth', 'Quito'];
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  out.write('id,x1,x2,x3,x4,x5,city,grade,note,flag\n');
  const batch: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const num = (): string => (rand() < 0.02 ? '' : ((rand() - 0.5) * 200).toPrecision(6));
    const city = rand() < 0.01 ? '' : pick(cities);
    const grade = pick(['A', 'B', 'C', 'D', 'E']);
    const note = `"${pick(words)}, ${pick(words)} ""${i % 97}"""`;
    batch.push([i, num(), num(), num(), num(), num(), city, grade, note, rand() < 0.5 ? 'true' : 'false'].join(','));
    if (batch.length === 10_000) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      batch.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

let duckThreads = 0;

function runDuckDb(file: string): Run | string {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'csv_duckdb.mjs');
  const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
  if (r.status !== 0) return `DuckDB peer failed: ${r.stderr.trim().split('\n').at(-1)}`;
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run & { rows: number; threads: number };
  if (out.rows !== ROWS) return `DuckDB read ${out.rows} rows`;
  duckThreads = out.threads;
  return out;
}

function median(runs: Run[], key: keyof Run): number {
  const v = runs.map((r) => r[key] ?? NaN).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

interface Peer {
  name: string;
  run: (file: string) => Run | string;
}

function measure(file: string, peers: Peer[]): { ours: Run[]; theirs: Map<string, Run[] | string> } {
  const ours: Run[] = [];
  const theirs = new Map<string, Run[] | string>(peers.map((p) => [p.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(runOurs(file));
    for (const p of peers) {
      const runs = theirs.get(p.name);
      if (typeof runs === 'string') continue;
      const r = p.run(file);
      if (typeof r === 'string') theirs.set(p.name, r);
      else runs!.push(r);
    }
  }
  return { ours, theirs };
}

function report(label: string, ours: Run[], theirs: Map<string, Run[] | string>): void {
  for (const [peer, runs] of theirs) {
    const missing = typeof runs === 'string' ? runs : undefined;
    const other = typeof runs === 'string' ? null : runs;
    const time = median(ours, 'seconds');
    reportBench(`${label} (peer: ${peer})`, time, other && median(other, 'seconds'), 's', false, missing);
    const mem = median(ours, 'peakDeltaMB');
    reportBench(
      `${label}-peak-memory (peer: ${peer})`,
      mem,
      other && median(other, 'peakDeltaMB'),
      'MB',
      false,
      missing,
    );
    if (other)
      console.log(
        `${label}: CPU seconds (median of ${ROUNDS}): ours ${median(ours, 'cpuSeconds').toFixed(3)} s ` +
          `(reading thread ${median(ours, 'mainCpuSeconds').toFixed(2)} s), ${peer} ${median(other, 'cpuSeconds').toFixed(3)} s`,
      );
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-csv-bench-'));
  const file = path.join(dir, 'numbers.csv');
  const mixed = path.join(dir, 'mixed.csv');
  const peers: Peer[] = [
    { name: 'pandas', run: runPandas },
    { name: 'duckdb', run: runDuckDb },
  ];
  try {
    oursBundle = await bundleOurs();
    await generate(file);
    const numeric = measure(file, peers);
    report('csv-load-1Mx20', numeric.ours, numeric.theirs);
    const f32MB = (ROWS * COLS * 4) / 1e6;
    const budgetMB = 2 * f32MB + BUDGET_CONSTANT_MB;
    const oursPeak = median(numeric.ours, 'peakDeltaMB');
    reportBench('csv-load-memory-budget', oursPeak, budgetMB, 'MB', false);
    console.log(
      `csv-load: the peer of csv-load-memory-budget is the target, 2 × the float32 data (${f32MB} MB) + ${BUDGET_CONSTANT_MB} MB. ` +
        `Our peak RSS growth is ${(oursPeak / f32MB).toFixed(2)}× the float32 data (numeric columns are Float64Array, 2× by themselves); ` +
        `DuckDB ran with its default ${duckThreads} thread(s), ours with ${availableParallelism()} (one per core), pandas with 1`,
    );
    rmSync(file);
    await generateMixed(mixed);
    const m = measure(mixed, peers);
    report('csv-load-mixed-1Mx10', m.ours, m.theirs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
