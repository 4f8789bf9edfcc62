import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const bin = path.resolve(import.meta.dirname, '../../bin/weft.js');
const irisExample = path.resolve(import.meta.dirname, '../../resources/examples/iris-classification.weft.json');

/** Every headline number the metrics view shows, by name. */
async function scalars(page: Page): Promise<Record<string, string>> {
  await expect(page.getByTestId('metrics-view')).toBeVisible();
  return page
    .getByTestId('metrics-view')
    .locator('[data-testid^="metric-"]')
    .evaluateAll((els) =>
      Object.fromEntries(
        els.map((e) => [
          e.getAttribute('data-testid') ?? '',
          e.querySelector('.weft-scalar-value')?.textContent?.trim() ?? '',
        ]),
      ),
    );
}

test('a past run’s saved results open with its pipeline, after a second, different run', async ({
  studioPage: s,
  page,
}) => {
  page.on('dialog', (d) => void d.accept());
  await page.getByTestId('examples-button').click();
  await page
    .getByTestId('examples')
    .getByRole('button', { name: /Classify iris flowers from 4 measurements/ })
    .click();
  await s.setParam('train', 'epochs', '6');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  await page.getByTestId('results-node-metrics').click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const first = await scalars(page);
  const firstMatrix = await page.getByTestId('confusion-matrix').innerText();
  expect(Object.keys(first).length).toBeGreaterThan(1);

  await s.setParam('train', 'lr', '0.2');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  await page.getByTestId('results-node-metrics').click();
  const second = await scalars(page);
  expect(second, 'the two runs give different metrics').not.toEqual(first);

  await page.getByTestId('tab-runs').click();
  const rows = page.locator('[data-testid="runs-table"] tbody tr');
  await expect(rows).toHaveCount(2);
  await rows.nth(1).click();
  await page.getByRole('button', { name: 'Open this run’s pipeline' }).click();
  await expect(s.node('train')).toBeVisible();

  await expect(page.getByTestId('results-panel')).toBeVisible();
  await expect(page.getByTestId('results-past-run')).toContainText('Results of run');
  await expect(page.getByTestId('results-node-metrics')).toHaveClass(/active/);
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  expect(await scalars(page)).toEqual(first);
  expect(await page.getByTestId('confusion-matrix').innerText()).toBe(firstMatrix);
  await expect(s.node('train').getByTestId('status-badge')).toHaveAttribute('data-status', /done|cached/);
  await s.shot('past-run-results');

  await page.getByTestId('results-node-csv').click();
  await page.getByTestId('data-views').getByTestId('view-table').click();
  await expect(page.getByTestId('data-table-status')).toHaveText('150 of 150 rows');
  await page.getByTestId('sort-petal_length').click();
  await expect(page.getByTestId('data-table-status')).toContainText('sorted by petal_length');

  await page.getByTestId('results-node-train').click();
  await expect(page.getByTestId('model-view')).toContainText('6 epochs');
  await expect(page.getByTestId('result-not-kept')).toHaveCount(0);
});

test('a past run whose evaluation the cache no longer holds says so and shows the recorded metrics', async ({
  studioPage: s,
  page,
  studio,
}) => {
  page.on('dialog', (d) => void d.accept());
  const doc = JSON.parse(readFileSync(irisExample, 'utf8')) as {
    nodes: { id: string; type: string; params: Record<string, unknown> }[];
  };
  for (const n of doc.nodes) {
    if (n.id === 'csv') n.params.path = 'iris.csv';
    if (n.id === 'train') Object.assign(n.params, { epochs: 4, provider: 'cpu' });
  }
  const file = path.join(studio.workspace, 'iris.weft.json');
  writeFileSync(file, JSON.stringify(doc));
  const r = spawnSync(process.execPath, [bin, 'run', file, '--json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { nodes: Record<string, { summary?: { metrics?: Record<string, number> } }> };
  const accuracy = out.nodes.metrics?.summary?.metrics?.accuracy ?? 0;
  expect(accuracy).toBeGreaterThan(0);
  const cache = path.join(studio.workspace, '.weft', 'cache');
  const evicted = readdirSync(cache).filter(
    (f) =>
      f.endsWith('.json') &&
      (JSON.parse(readFileSync(path.join(cache, f), 'utf8')) as { type?: string }).type === 'eval.classification',
  );
  expect(evicted).toHaveLength(1);
  for (const f of evicted)
    for (const ext of ['.json', '.bin']) rmSync(path.join(cache, f.replace(/\.json$/, ext)), { force: true });

  await page.getByTestId('tab-runs').click();
  await page.locator('[data-testid="runs-table"] tbody tr').first().click();
  await page.getByRole('button', { name: 'Open this run’s pipeline' }).click();
  const notKept = page.getByTestId('result-not-kept');
  await expect(notKept).toContainText('outputs not kept');
  await expect(notKept).toContainText('run again to see it');
  await expect(page.getByTestId('results-panel').locator('.weft-summary-text')).toContainText(
    `accuracy=${accuracy.toFixed(4)}`,
  );
  await expect(page.getByTestId('confusion-matrix')).toHaveCount(0);
  await s.shot('past-run-not-kept');
  await page.getByTestId('results-node-train').click();
  await expect(page.getByTestId('model-view')).toContainText('4 epochs');
});
