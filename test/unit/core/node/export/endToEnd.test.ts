/**
 * The whole path with the real nodes: CSV with numeric, categorical and missing values →
 * prep.split → prep.standardize → model.mlp + train.trainer → eval.classification → export.onnx,
 * run with `weft run`; then `weft export` from the pipeline; then the exported file in a plain
 * onnxruntime session, fed raw CSV values parsed here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeDocument } from '../../../../../core/common';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { runWeft } from '../../../../fixtures/runWeft';
import { seeded } from './tinyModel';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-e2e-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cities = ['Oslo', 'Lima', 'Pune'];
/** label = high when x + (city = Lima ? 1.5 : 0) - (y - 105)/10 > 0; some x and city values missing. */
function writeCsv(file: string, n: number): void {
  const r = seeded(21);
  const lines = ['x,city,y,label'];
  for (let i = 0; i < n; i++) {
    const x = r() * 4;
    const city = cities[i % 3];
    const y = 100 + r() * 10;
    const label = x + (city === 'Lima' ? 1.5 : 0) - (y - 105) / 10 > 0 ? 'high' : 'low';
    const missingX = i % 23 === 7;
    const missingCity = i % 29 === 11;
    lines.push(`${missingX ? '' : x.toFixed(4)},${missingCity ? '' : city},${y.toFixed(3)},${label}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('end to end: train in Weft, export, run the file elsewhere', () => {
  it('exports a trained model whose raw-row predictions match the app', () => {
    writeCsv(path.join(dir, 'people.csv'), 600);
    const doc = pipeline(
      [
        { id: 'csv', type: 'data.csv', params: { path: 'people.csv' } },
        { id: 'split', type: 'prep.split', params: { target: 'label', seed: 1 } },
        { id: 'std', type: 'prep.standardize', params: {} },
        { id: 'mlp', type: 'model.mlp', params: { hidden: [16] } },
        {
          id: 'train',
          type: 'train.trainer',
          params: { epochs: 40, batchSize: 32, lr: 0.01, seed: 1, provider: 'cpu' },
        },
        { id: 'eval', type: 'eval.classification', params: {} },
        { id: 'export', type: 'export.onnx', params: { path: 'out/model.onnx', quantize: true, quantizeForce: true } },
      ],
      [
        'csv.table->split.table',
        'split.dataset->std.dataset',
        'std.dataset->train.data',
        'mlp.model->train.model',
        'train.model->eval.model',
        'std.dataset->eval.data',
        'train.model->export.model',
        'std.dataset->export.data',
        'eval.metrics->export.metrics',
      ],
    );
    const file = path.join(dir, 'people.weft.json');
    writeFileSync(file, serializeDocument(doc));
    const run = runWeft(['run', file], { timeoutMs: 240_000 });
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.code).toBe(0);
    const diff = /max \|exported − in-app\| = (\S+) \(limit 1e-5\)/.exec(run.stdout);
    expect(diff).not.toBeNull();
    expect(Number(diff![1])).toBeLessThanOrEqual(1e-5);
    expect(run.stdout).toMatch(/int8: wrote .*model\.int8\.onnx.*accuracy .* → .* \(change [+-]\d\.\d{4}\)/);
    // The dataset is connected, so int8 is static: calibrated on its training rows, the same in any batch.
    expect(run.stdout).toMatch(
      /int8: int8 static QDQ \(.*calibrated min-max on \d+ rows\); static scales.* differ by 0\.00e\+0/,
    );
    const accuracy = Number(/accuracy (\d\.\d+) →/.exec(run.stdout)![1]);
    expect(accuracy).toBeGreaterThan(0.85);

    const viaCli = runWeft(['export', file, '--node', 'train', '--format', 'tfjs', '--out', path.join(dir, 'web')], {
      timeoutMs: 120_000,
    });
    expect(viaCli.code).toBe(0);
    expect(existsSync(path.join(dir, 'web', 'model.json'))).toBe(true);
  });

  it('the exported file runs in a plain onnxruntime session on raw CSV values', async () => {
    const onnxFile = path.join(dir, 'out/model.onnx');
    const meta = Object.fromEntries((decodeModel(readFileSync(onnxFile)).metadata ?? []).map((p) => [p.key, p.value]));
    const io = JSON.parse(meta['weft.io']) as { inputs: { name: string; columns: string[] }[] };
    expect(io.inputs.map((i) => [i.name, i.columns])).toEqual([
      ['numeric', ['x', 'y']],
      ['categorical', ['city']],
    ]);
    const classNames = JSON.parse(meta['weft.class_names']) as string[];
    const text = readFileSync(path.join(dir, 'people.csv'), 'utf8').trim().split('\n').slice(1);
    const n = text.length;
    const numeric = new Float64Array(n * 2);
    const categorical: string[] = [];
    const truth: string[] = [];
    text.forEach((line, i) => {
      const [x, city, y, label] = line.split(',');
      numeric[i * 2] = x === '' ? NaN : Number(x);
      numeric[i * 2 + 1] = Number(y);
      categorical.push(city);
      truth.push(label);
    });
    const session = await ort.InferenceSession.create(onnxFile);
    const out = await session.run({
      numeric: new ort.Tensor('float64', numeric, [n, 2]),
      categorical: new ort.Tensor('string', categorical, [n, 1]),
    });
    await session.release();
    const labels = Array.from(out.label.data as BigInt64Array, Number);
    const correct = labels.filter((l, i) => classNames[l] === truth[i]).length;
    expect(correct / n).toBeGreaterThan(0.85);
  });
});
