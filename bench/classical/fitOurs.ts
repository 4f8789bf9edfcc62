/**
 * Fits one Weft learner on a bench data directory and prints one JSON line: fit seconds (worker
 * threads started inside the fit count), CPU seconds of the process during the fit, test accuracy
 * and the process's peak resident memory. `WEFT_BENCH_THREADS` sets learners' `threads` param. Usage: fitOurs.ts <learner> <dir> [trainRows]
 */
import type { DatasetValue } from '../../core/common';
import { fitDataOf, learnerModules, type LearnerModule } from '../../core/common/learners';
import { builtinNodes } from '../../core/common/nodes/registry';
import { openLearnerThreads } from '../../core/node/learners/threadPool';
import { benchLearners } from './learners';
import { readBenchData } from './data';

const [name, dir, rowsArg] = process.argv.slice(2);
const spec = benchLearners[name];
const data = readBenchData(dir);
const n = rowsArg ? Math.min(Number(rowsArg), data.train.n) : data.train.n;
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
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const fitted = await module.fit(fitData, params, {
  step: async () => {},
  epoch: () => {},
  warn: () => {},
  threads: openLearnerThreads,
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const k = data.classes;
const p = fitted.predict(data.test.x, data.test.n);
let correct = 0;
for (let i = 0; i < data.test.n; i++) {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
  if (best === data.test.y[i]) correct++;
}
const peakMB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ seconds, cpuSeconds, accuracy: correct / data.test.n, peakMB }));
