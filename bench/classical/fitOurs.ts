/**
 * Fits one Weft learner on a bench data directory and prints one JSON line: fit seconds (worker
 * threads started inside the fit count), CPU seconds of the process during the fit, test accuracy
 * and the process's peak resident memory. With `repeats` above 1, one warm-up fit is run first,
 * then `repeats` timed fits, and the seconds and CPU seconds are their medians (as
 * classical_sklearn.py does). `WEFT_BENCH_THREADS` sets learners' `threads` param.
 * Usage: fitOurs.ts <learner> <dir> [trainRows] [repeats]
 */
import type { DatasetValue } from '../../core/common';
import { fitDataOf, learnerModules, type LearnerModule } from '../../core/common/learners';
import { builtinNodes } from '../../core/common/nodes/registry';
import { openLearnerThreads } from '../../core/node/learners/threadPool';
import { benchLearners } from './learners';
import { readBenchData } from './data';

const [name, dir, rowsArg, repeatsArg] = process.argv.slice(2);
const repeats = Math.max(1, Number(repeatsArg ?? 1));
const spec = benchLearners[name];
const data = readBenchData(dir);
const n = rowsArg && rowsArg !== '0' ? Math.min(Number(rowsArg), data.train.n) : data.train.n;
const dataset: DatasetValue = {
  task: 'classification',
  featureShape: [data.d],
  classNames: Array.from({ length: data.classes }, (_, c) => String(c)),
  splits: { train: { x: data.train.x.subarray(0, n * data.d), y: data.train.y.subarray(0, n), n } },
  transforms: [],
};
const type = spec.type as keyof typeof learnerModules;
const module = learnerModules[type] as unknown as LearnerModule<unknown>;
const threads = Number(process.env.WEFT_BENCH_THREADS ?? 1);
const params = builtinNodes[type].params.parse({ ...spec.ours, threads }) as unknown;
const fitData = fitDataOf(module, dataset);
const hooks = { step: async () => {}, epoch: () => {}, warn: () => {}, threads: openLearnerThreads };
const fitOnce = async () => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const fitted = await module.fit(fitData, params, hooks);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { fitted, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
};
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
if (repeats > 1) await fitOnce();
const runs = [];
for (let r = 0; r < repeats; r++) runs.push(await fitOnce());
const { fitted } = runs[runs.length - 1];
const seconds = median(runs.map((r) => r.seconds));
const cpuSeconds = median(runs.map((r) => r.cpuSeconds));
const k = data.classes;
const p = fitted.predict(data.test.x, data.test.n);
let correct = 0;
for (let i = 0; i < data.test.n; i++) {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
  if (best === data.test.y[i]) correct++;
}
const peakMB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds,
    accuracy: correct / data.test.n,
    peakMB,
    runs: runs.map((r) => r.seconds),
    iterations: fitted.metrics.iterations,
  }),
);
