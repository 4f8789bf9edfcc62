/**
 * Static int8 quantization on the bundled digits (8,000 train / 2,000 test): the bench CNN
 * (conv3x3x16, pool, conv3x3x32, pool, dense10) trained in Weft, then `opt.quantize` calibrated on
 * 1,000 training rows (min-max and percentile 99.99). Peer = the float model. Size = ONNX bytes;
 * latency = median onnxruntime run at batch 1 and 256 (CPU, one thread, default graph
 * optimizations). Targets (issue 18): within 1 point of the float model's accuracy at ≥ 2× smaller.
 * Runs with the other compression lines: `npm run bench -- compress`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { optQuantizeParams } from '../core/common/nodes/opt/quantize';
import { optQuantizeExecutor } from '../core/node/executors/opt/quantize';
import { loadDigits } from './digits/digitsIdx';
import { digitsDataset, trainedDigitsModel } from './digits/trainedModel';
import { reportBench } from './report';

const EPOCHS = 3;
const digits = loadDigits();
const data = digitsDataset(digits);
console.log(
  `# compress int8: bundled digits, ${digits.train.n} train / ${digits.test.n} test; the host is shared and loaded`,
);
const t0 = performance.now();
const float = await trainedDigitsModel('cnn', digits, { epochs: EPOCHS, seed: 1 });
console.log(`# float CNN trained ${EPOCHS} epochs (seed 1) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

const host = {
  signal: new AbortController().signal,
  progress: () => undefined,
  log: (m: string) => console.log(`# warning: ${m}`),
  epochMetrics: () => undefined,
  workspace: mkdtempSync(path.join(tmpdir(), 'weft-bench-int8-')),
  baseDir: '.',
  nodeId: 'bench',
};
for (const [label, params] of [
  ['min-max', { calibration: 'minmax' }],
  ['percentile 99.99', { calibration: 'percentile', percentile: 99.99 }],
] as const) {
  const r = await optQuantizeExecutor({
    ...host,
    inputs: { model: float, data },
    params: optQuantizeParams.parse({ ...params, calibrationRows: 1000, evalRows: digits.test.n }),
  });
  const m = r.summary!.metrics!;
  for (const line of r.summary!.text!.split('\n')) console.log(`# ${label}: ${line}`);
  const drop = (m.float_accuracy - m.int8_accuracy) * 100;
  console.log(
    `# ${label}: targets: accuracy within 1 point (${drop.toFixed(2)} pp lower: ${drop <= 1 ? 'met' : 'MISSED'}), ≥ 2× smaller (${m.size_ratio.toFixed(2)}×: ${m.size_ratio >= 2 ? 'met' : 'MISSED'})`,
  );
  reportBench(
    `compress int8 CNN accuracy (static, ${label})`,
    m.int8_accuracy * 100,
    m.float_accuracy * 100,
    '%',
    true,
  );
  reportBench(`compress int8 CNN ONNX size (static, ${label})`, m.int8_bytes, m.float_bytes, 'bytes', false);
  reportBench(
    `compress int8 CNN batch-1 latency (static, ${label})`,
    m.int8_latency_b1_ms,
    m.float_latency_b1_ms,
    'ms',
    false,
  );
  reportBench(
    `compress int8 CNN batch-256 latency (static, ${label})`,
    m.int8_latency_b256_ms,
    m.float_latency_b256_ms,
    'ms',
    false,
  );
}
console.log(`# compress int8 bench took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
