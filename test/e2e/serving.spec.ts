import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect, test } from './fixtures';

interface Metadata {
  inputs: { name: string; datatype: string; shape: number[] }[];
}

const IRIS_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.1, 4.4, 1.4],
  [6.3, 3.3, 6.0, 2.5],
  [5.8, 2.7, 5.1, 1.9],
];

/** `clients` concurrent fetch loops against one infer route for `ms` milliseconds; returns statuses seen. */
async function load(url: string, body: string, clients: number, ms: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

const count = async (text: Promise<string>): Promise<number> => Number(await text);

test('serve the model an example exported, watch live traffic, stop it', async ({ studioPage: s, page, studio }) => {
  await page.getByTestId('examples-button').click();
  await page
    .getByTestId('examples')
    .getByRole('button', { name: /Classify iris flowers from 4 measurements/ })
    .click();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 150_000 });

  await page.getByTestId('tab-serving').click();
  const view = page.getByTestId('serving-view');
  await view.getByRole('button', { name: '↻' }).click();
  await expect(view.locator('#serving-models option[value="out/iris.onnx"]')).toHaveCount(1);
  await view.getByTestId('serving-path').fill('out/iris.onnx');
  await view.getByTestId('serving-start').click();
  const urlText = view.getByTestId('serving-url');
  await expect(urlText).toHaveText(/^http:\/\/127\.0\.0\.1:\d+$/);
  const base = (await urlText.textContent()) ?? '';
  await expect(view.getByTestId('serving-requests')).toHaveText('0');
  await s.shot('serving-started');

  const meta = (await (await fetch(`${base}/v2/models/iris`)).json()) as Metadata;
  const [input] = meta.inputs;
  if (!input) throw new Error('the model has no inputs');
  const body = JSON.stringify({
    inputs: [{ name: input.name, datatype: input.datatype, shape: [IRIS_ROWS.length, 4], data: IRIS_ROWS.flat() }],
  });
  const statuses = await load(`${base}/v2/models/iris/infer`, body, 8, 4000);
  const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
  expect([...statuses.keys()], 'every request answered 200').toEqual([200]);
  expect(sent).toBeGreaterThan(20);

  await expect.poll(() => count(view.getByTestId('serving-requests').innerText()), { timeout: 10_000 }).toBe(sent);
  await expect(view.getByTestId('serving-p50')).toHaveText(/^\d+\.\d\d ms$/);
  await expect(view.getByTestId('serving-p99')).toHaveText(/^\d+\.\d\d ms$/);
  await expect(view.getByTestId('serving-errors')).toHaveText('0');
  await expect(view.getByTestId('serving-batch')).toHaveText('4.00');
  await expect(view.getByTestId('serving-drift-petal_length')).toBeVisible();
  await expect(view.getByTestId('serving-rate-chart')).toBeVisible();
  await page.getByTestId('bottom-maximize').click();
  await s.shot('serving-under-load');

  const bad = await fetch(`${base}/v2/models/iris/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: input.name, datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] }),
  });
  expect(bad.status).toBe(400);
  await expect(view.getByTestId('serving-errors')).toHaveText('1', { timeout: 10_000 });
  await expect.poll(() => count(view.getByTestId('serving-requests').innerText())).toBe(sent + 1);

  await view.getByTestId('serving-stop').click();
  await expect(view.getByTestId('serving-start')).toBeVisible();
  await expect(fetch(`${base}/v2/health/ready`)).rejects.toThrow();
  await s.shot('serving-stopped');

  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const taken = (blocker.address() as { port: number }).port;
  try {
    await view.getByTestId('serving-port').fill(String(taken));
    await view.getByTestId('serving-start').click();
    await expect(view.getByTestId('serving-error')).toHaveText(
      `port ${taken} on 127.0.0.1 is already in use; choose another port, or 0 for a free one`,
    );
  } finally {
    blocker.close();
  }
  await writeFile(path.join(studio.workspace, 'out', 'broken.onnx'), 'not a model');
  await view.getByTestId('serving-port').fill('0');
  await view.getByTestId('serving-path').fill('out/broken.onnx');
  await view.getByTestId('serving-start').click();
  await expect(view.getByTestId('serving-error')).toContainText('cannot serve out/broken.onnx');
  await expect(view.getByTestId('serving-start')).toBeVisible();
  await s.shot('serving-refused');
});
