/**
 * Classical learners against scikit-learn 1.2 (Debian's python3-sklearn) with the same thread count,
 * data and hyperparameters, each fit in its own process on both sides (so peak memory is the fit's):
 * (a) fit time on a seeded synthetic 100,000 × 20 two-class problem for logistic regression, a
 * 100-tree forest and 100 boosting iterations, and an RBF SVM on its first 10,000 rows; (b) test
 * accuracy of every learner on the digits split the other benches use (8,000 train / 2,000 test
 * rows of 784 pixels). `WEFT_BENCH_THREADS` sets the threads (default 1; our forest and boosting
 * `threads` param, the peer's n_jobs and OpenMP threads); `WEFT_BENCH_CAP_S` caps
 * each fit (default 600 s); `WEFT_BENCH_PART` a or b runs one part only; `WEFT_BENCH_ONLY` (comma-separated
 * learner names, e.g. `logistic,boosting`) runs only those learners. In part a, a learner with
 * `repeats` (logistic: its fit is ~0.1 s) is fitted once to warm up and then `repeats` times in the
 * same process on both sides, and the medians are compared; `WEFT_BENCH_REPEATS` sets it for all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { learnerModules } from '../core/common/learners';
import { benchLearners } from './classical/learners';
import { synthetic, writeBenchData } from './classical/data';
import { loadDigits } from './digits/digitsIdx';
import { describePeerEnv, peerEnv } from './peerEnv';
import { reportBench } from './report';

const THREADS = Number(process.env.WEFT_BENCH_THREADS ?? 1);
const CAP_S = Number(process.env.WEFT_BENCH_CAP_S ?? 600);
const PART = process.env.WEFT_BENCH_PART ?? 'ab';
const ONLY = process.env.WEFT_BENCH_ONLY?.split(',').map((s) => s.trim());
const REPEATS = process.env.WEFT_BENCH_REPEATS ? Number(process.env.WEFT_BENCH_REPEATS) : undefined;
const PYTHON = '/usr/bin/python3';
const here = path.dirname(new URL(import.meta.url).pathname);

interface Result {
  seconds: number;
  cpuSeconds?: number;
  accuracy: number;
  peakMB: number;
  /** Seconds of each timed fit (after the warm-up) when repeated. */
  runs?: number[];
  /** Solver iterations of the last fit (summed over class pairs or classes), where the learner reports them. */
  iterations?: number;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Result | string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: CAP_S * 1000, maxBuffer: 1 << 24 });
  if (r.error || r.status !== 0) {
    return r.signal === 'SIGTERM'
      ? `timed out after ${CAP_S} s`
      : `failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

function ours(name: string, dir: string, rows: number, repeats: number): Result | string {
  const args = ['--import', 'tsx', path.join(here, 'classical/fitOurs.ts'), name, dir, String(rows), String(repeats)];
  return run(process.execPath, args, { ...process.env, UV_THREADPOOL_SIZE: String(THREADS) });
}

function peer(name: string, dir: string, rows: number, repeats: number): Result | string {
  const args = [
    path.join(here, 'classical_sklearn.py'),
    benchLearners[name].peer,
    dir,
    String(THREADS),
    String(rows),
    String(repeats),
  ];
  return run(PYTHON, args, peerEnv(THREADS));
}

const peerVersion = spawnSync(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
const hasPeer = peerVersion.status === 0;
console.log(
  `# threads ${THREADS}; peer ${hasPeer ? `scikit-learn ${peerVersion.stdout.trim()} (${describePeerEnv(THREADS)})` : 'unavailable: /usr/bin/python3 has no sklearn (install python3-sklearn)'}`,
);

/** Fits `name` on both sides (`rows` 0: all training rows; `repeats` timed fits after a warm-up when above 1). */
function report(label: string, name: string, dir: string, rows = 0, accuracyToo = false, repeats = 1): void {
  const { type, ours: oursParams, peer: peerExpr } = benchLearners[name];
  if (ONLY && !ONLY.includes(name)) return;
  if (!(type in learnerModules)) {
    console.log(`# ${label}: skipped, ${type} does not exist on this branch yet`);
    return;
  }
  const a = ours(name, dir, rows, repeats);
  const b = hasPeer ? peer(name, dir, rows, repeats) : 'peer unavailable';
  if (typeof a === 'string') {
    console.log(
      `bench ${label}: ours n/a (${a}), peer ${typeof b === 'string' ? `n/a (${b})` : `${b.seconds.toFixed(2)} s`}`,
    );
    return;
  }
  const note = typeof b === 'string' ? b : undefined;
  const peerOf = (f: (r: Result) => number) => (typeof b === 'string' ? null : f(b));
  reportBench(
    `${label} fit time`,
    a.seconds,
    peerOf((r) => r.seconds),
    's',
    false,
    note,
  );
  const cpu = (r: Result | string) =>
    typeof r === 'string' || r.cpuSeconds === undefined ? 'n/a' : `${r.cpuSeconds.toFixed(3)} s`;
  console.log(`#   CPU seconds of the fit (all threads): ours ${cpu(a)}, peer ${cpu(b)}`);
  console.log(
    `#   ran: ours ${type} ${JSON.stringify(oursParams)}, peer ${peerExpr.replace('THREADS', String(THREADS))}`,
  );
  if (repeats > 1) {
    const runs = (r: Result | string) =>
      typeof r === 'string' || !r.runs ? 'n/a' : r.runs.map((v) => v.toFixed(3)).join(' ');
    console.log(`#   median of ${repeats} fits after one warm-up, each side: ours ${runs(a)} s; peer ${runs(b)} s`);
  }
  const iters = (r: Result | string) => (typeof r === 'string' || r.iterations === undefined ? 'n/a' : r.iterations);
  if (typeof a !== 'string' && a.iterations !== undefined)
    console.log(`#   solver iterations: ours ${iters(a)}, peer ${iters(b)}`);
  console.log(
    `#   peak memory of the fitting process: ours ${a.peakMB.toFixed(0)} MB, peer ${typeof b === 'string' ? 'n/a' : `${b.peakMB.toFixed(0)} MB`}`,
  );
  if (accuracyToo)
    reportBench(
      `${label} test accuracy`,
      100 * a.accuracy,
      peerOf((r) => 100 * r.accuracy),
      '%',
      true,
      note,
    );
}

const root = mkdtempSync(path.join(tmpdir(), 'weft-bench-classical-'));
try {
  if (PART.includes('a')) fitTimes();
  if (PART.includes('b')) digitsAccuracy();
} finally {
  rmSync(root, { recursive: true, force: true });
}

function fitTimes(): void {
  const synth = path.join(root, 'synthetic');
  writeBenchData(synth, synthetic(100_000, 10_000, 20));
  console.log('# (a) fit time, synthetic 100,000 × 20 (seed 2024), two classes');
  const repeats = (name: string) => REPEATS ?? benchLearners[name].repeats ?? 1;
  report('classical logistic 100k×20', 'logistic', synth, 0, false, repeats('logistic'));
  report('classical forest(100 trees) 100k×20', 'forest', synth, 0, false, repeats('forest'));
  report('classical boosting(100 iter) 100k×20', 'boosting', synth, 0, false, repeats('boosting'));
  report('classical svm(rbf) 10k×20', 'svm', synth, 10_000, false, repeats('svm'));
}

function digitsAccuracy(): void {
  const digits = loadDigits();
  const dig = path.join(root, 'digits');
  writeBenchData(dig, { d: 784, classes: 10, train: digits.train, test: digits.test });
  console.log(`# (b) test accuracy, digits split (${digits.train.n} train / ${digits.test.n} test × 784)`);
  for (const name of Object.keys(benchLearners)) report(`classical ${name} digits`, name, dig, undefined, true);
  console.log('# ml.linear is a regression learner: no classification accuracy to compare');
}
