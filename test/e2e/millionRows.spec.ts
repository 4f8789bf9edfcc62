import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scaleDocument, writeScaleCsv } from '../fixtures/scale/scalePipeline';
import { expect, test } from './fixtures';

/**
 * Issue 22 in the studio: the scale pipeline (data.csv → prep.split → prep.standardize →
 * model.mlp → train.trainer, 1 epoch at batch 256 → eval.classification) on a generated
 * 1,000,000 × 20 CSV (172 MB), opened from the workspace and run to the end. The table's preview
 * must say it was sampled, the metrics must appear, and no WebSocket message may carry the table:
 * the largest frame stays under 4 MB (a million rows of 21 numbers as JSON would be over 100 MB).
 * On a quiet machine the CSV takes about 7 s to write and the run about 15 s.
 */
const ROWS = 1_000_000;
const MAX_FRAME = 4 * 1024 * 1024;

test('a 1,000,000-row pipeline runs in the studio with sampled previews and its metrics', async ({
  studioPage: s,
  page,
  studio,
}) => {
  test.setTimeout(300_000);
  await writeScaleCsv(path.join(studio.workspace, 'data.csv'), ROWS);
  writeFileSync(path.join(studio.workspace, 'scale.weft.json'), JSON.stringify(scaleDocument('data.csv')));

  let largestFrame = 0;
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      largestFrame = Math.max(largestFrame, typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength);
    }),
  );
  // The studio's WebSocket opens with the page: reload so the listener above sees it.
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  const welcome = page.getByTestId('welcome-close');
  if (await welcome.isVisible()) await welcome.click();
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByTestId('open-path').fill('scale.weft.json');
  await page.getByTestId('open-path').press('Enter');
  await expect(s.node('train')).toBeVisible();

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 240_000 });
  for (const id of ['csv', 'split', 'scale', 'mlp', 'train', 'metrics'])
    await expect(s.node(id).getByTestId('status-badge')).toHaveAttribute('data-status', /done|cached/);

  await page.getByTestId('results-node-metrics').click();
  await expect(page.getByTestId('metrics-view')).toBeVisible();
  const accuracy = Number(await page.getByTestId('metric-accuracy').locator('.weft-scalar-value').textContent());
  expect(accuracy).toBeGreaterThan(0.9);
  await s.shot('million-metrics');

  await page.getByTestId('results-node-csv').click();
  const views = page.getByTestId('data-views');
  const overview = views.getByTestId('data-preview');
  await expect(overview).toBeVisible();
  await expect(overview).toContainText('statistics from an even sample of 100,000 of 1,000,000 rows');
  await expect(overview.locator('h4').first()).toContainText('1000000 rows');
  await s.shot('million-preview');
  await views.getByTestId('view-table').click();
  await expect(page.getByTestId('data-table-status')).toHaveText(/of 1,?000,?000 rows/);
  expect(await page.locator('[data-testid="data-table"] .weft-ptable-row').count()).toBeLessThan(60);

  expect(largestFrame, `largest WebSocket frame ${largestFrame} bytes`).toBeGreaterThan(0);
  expect(largestFrame, `largest WebSocket frame ${largestFrame} bytes`).toBeLessThan(MAX_FRAME);
});
