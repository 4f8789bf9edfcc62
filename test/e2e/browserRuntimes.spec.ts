/**
 * The iris example's exports give the same answers in Chromium as in Node: the ONNX file under
 * onnxruntime-web (wasm), the int8 file too, and the TF.js export with its preprocess.js and
 * labels.json. Rows include a NaN in each column in turn. The README's two browser snippets are
 * run verbatim as module scripts. The reference is onnxruntime-node on the same file, which the
 * export itself verified against the app's predictions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import * as ortNode from 'onnxruntime-node';

const root = path.resolve(import.meta.dirname, '../..');
const origin = 'http://weft.test';
const columns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

interface Answers {
  probabilities: number[][];
  labels: string[];
}

function irisRows(): number[][] {
  const lines = readFileSync(path.join(root, 'resources/data/iris.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').slice(0, 4).map(Number));
  const withNaN = rows
    .filter((_, i) => i % 6 === 0)
    .flatMap((r) => r.map((_, j) => r.map((v, k) => (k === j ? NaN : v))));
  return [...rows, ...withNaN];
}

async function nodeAnswers(file: string, rows: number[][]): Promise<Answers> {
  const session = await ortNode.InferenceSession.create(file);
  const out = await session.run({
    numeric: new ortNode.Tensor('float64', Float64Array.from(rows.flat()), [rows.length, columns.length]),
  });
  const p = out.probabilities.data as Float32Array;
  const k = p.length / rows.length;
  return {
    probabilities: rows.map((_, i) => Array.from(p.subarray(i * k, (i + 1) * k))),
    labels: Array.from(out.label_name.data as string[]),
  };
}

function expectSame(got: Answers, want: Answers, tolerance: number): void {
  expect(got.labels).toEqual(want.labels);
  let worst = 0;
  got.probabilities.forEach((r, i) =>
    r.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want.probabilities[i][j])))),
  );
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** Serves the export folder, onnxruntime-web and TF.js on one made-up origin, with no server. */
async function openPage(page: Page, dir: string): Promise<void> {
  const files: Record<string, string> = {
    '/tf.min.js': path.join(root, 'node_modules/@tensorflow/tfjs/dist/tf.min.js'),
  };
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.mjs': 'text/javascript',
    '.wasm': 'application/wasm',
    '.json': 'application/json',
    '.html': 'text/html',
  };
  await page.route(`${origin}/**`, async (route) => {
    const url = new URL(route.request().url()).pathname;
    if (url === '/') {
      const html = '<!doctype html><meta charset="utf-8"><script src="/tf.min.js"></script><body>weft</body>';
      return route.fulfill({ contentType: 'text/html', body: html });
    }
    const file =
      files[url] ??
      (url.startsWith('/ort/')
        ? path.join(root, 'node_modules/onnxruntime-web/dist', url.slice(5))
        : path.join(dir, decodeURIComponent(url)));
    if (!file.startsWith(root) && !file.startsWith(dir)) return route.abort();
    try {
      const body = readFileSync(file);
      return route.fulfill({ body, contentType: types[path.extname(file)] ?? 'application/octet-stream' });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
  await page.goto(`${origin}/`);
  await page.evaluate(async () => {
    const ort = await import(['/ort', 'ort.wasm.min.mjs'].join('/'));
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = 1;
    (globalThis as Record<string, unknown>).ort = ort;
  });
}

async function webOnnxAnswers(page: Page, file: string, rows: (number | null)[][]): Promise<Answers> {
  return page.evaluate(
    async ({ file, rows }) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ort = (globalThis as any).ort;
      const session = await ort.InferenceSession.create(file);
      const flat = Float64Array.from(rows.flat().map((v) => (v === null ? NaN : v)));
      const out = await session.run({ numeric: new ort.Tensor('float64', flat, [rows.length, 4]) });
      const p = Array.from(out.probabilities.data as Float32Array);
      const k = p.length / rows.length;
      return {
        probabilities: rows.map((_, i) => p.slice(i * k, (i + 1) * k)),
        labels: Array.from(out.label_name.data as string[]),
      };
    },
    { file, rows },
  );
}

async function webTfjsAnswers(page: Page, rows: (number | null)[][], backend: 'webgl' | 'cpu'): Promise<Answers> {
  return page.evaluate(
    async ({ rows, backend }) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const tf = (globalThis as any).tf;
      if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} is not available`);
      const { modelInputs } = await import(['/iris-tfjs', 'preprocess.js'].join('/'));
      const model = await tf.loadLayersModel('/iris-tfjs/model.json');
      const names: string[] = await (await fetch('/iris-tfjs/labels.json')).json();
      const objects = rows.map((r) => ({
        sepal_length: r[0] ?? NaN,
        sepal_width: r[1] ?? NaN,
        petal_length: r[2] ?? NaN,
        petal_width: r[3] ?? NaN,
      }));
      const p = model.predict(tf.tensor2d(modelInputs(objects), [rows.length, 4]));
      const probs = Array.from(p.dataSync() as Float32Array);
      const idx = Array.from(p.argMax(1).dataSync() as Int32Array);
      return { probabilities: rows.map((_, i) => probs.slice(i * 3, i * 3 + 3)), labels: idx.map((i) => names[i]) };
    },
    { rows, backend },
  );
}

/** The README's `js` code blocks after "In a browser". */
function readmeSnippets(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const from = readme.indexOf('In a browser (ES module)');
  expect(from, 'README has its browser example').toBeGreaterThan(0);
  const blocks = [...readme.slice(from).matchAll(/```js\n([\s\S]*?)```/g)].slice(0, 2).map((m) => m[1]);
  expect(blocks).toHaveLength(2);
  return blocks;
}

test.describe('exports in the browser', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-browser-'));
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.beforeAll(() => {
    const weft = (...args: string[]): void => {
      execFileSync(process.execPath, [path.join(root, 'bin/weft.js'), ...args], {
        cwd: root,
        stdio: 'pipe',
        timeout: 120_000,
      });
    };
    const example = path.join(root, 'resources/examples/iris-classification.weft.json');
    weft(
      'export',
      example,
      '--format',
      'onnx',
      '--out',
      path.join(dir, 'model.onnx'),
      '--quantize',
      'force',
      '--workspace',
      dir,
    );
    weft('export', example, '--format', 'tfjs', '--out', path.join(dir, 'iris-tfjs'), '--workspace', dir);
  });

  test('onnxruntime-web and TF.js in Chromium agree with onnxruntime-node, NaN included', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openPage(page, dir);
    const rows = irisRows();
    const json = rows.map((r) => r.map((v) => (Number.isNaN(v) ? null : v)));

    const want = await nodeAnswers(path.join(dir, 'model.onnx'), rows);
    expect(
      want.labels.slice(0, 150).filter((l, i) => l === ['setosa', 'versicolor', 'virginica'][Math.floor(i / 50)])
        .length,
    ).toBeGreaterThan(140);
    expectSame(await webOnnxAnswers(page, '/model.onnx', json), want, 1e-5);

    const int8 = await nodeAnswers(path.join(dir, 'model.int8.onnx'), rows);
    expectSame(await webOnnxAnswers(page, '/model.int8.onnx', json), int8, 1e-5);

    expectSame(await webTfjsAnswers(page, json, 'webgl'), want, 1e-5);
    expectSame(await webTfjsAnswers(page, json, 'cpu'), want, 1e-5);
    expect(errors).toEqual([]);
  });

  test("the README's browser snippets run as written", async ({ page }) => {
    const logs: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'log') logs.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await openPage(page, dir);
    const want = await nodeAnswers(path.join(dir, 'model.onnx'), [[5.1, 3.5, NaN, 0.2]]);
    for (const [i, code] of readmeSnippets().entries()) {
      await page.evaluate(
        ([code, i]) =>
          new Promise<void>((resolve, reject) => {
            const s = document.createElement('script');
            s.type = 'module';
            s.textContent = `${code}\nwindow.dispatchEvent(new Event('snippet-${i}'));`;
            window.addEventListener(`snippet-${i}`, () => resolve(), { once: true });
            window.addEventListener('error', (e) => reject(new Error(e.message)), { once: true });
            document.body.append(s);
          }),
        [code, i] as const,
      );
    }
    expect(errors).toEqual([]);
    expect(logs).toHaveLength(2);
    for (const line of logs) expect(line.split(' ')[0]).toBe(want.labels[0]);
  });
});
