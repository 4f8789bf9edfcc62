import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Every console error the page logs, checked empty at the end of each test. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

test('the data views of the iris table: sort, filter, histograms, scatter, correlation, PCA and PNG export', async ({
  studioPage: s,
  page,
}) => {
  const errors = consoleErrors(page);
  await s.dragFromPalette('data.csv', 120, 120);
  await s.setParam('csv_1', 'path', 'iris.csv');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  await page.getByTestId('results-node-csv_1').click();
  await page.getByTestId('bottom-maximize').click();
  const views = page.getByTestId('data-views');
  await expect(views).toBeVisible();

  await views.getByTestId('view-table').click();
  const status = page.getByTestId('data-table-status');
  await expect(status).toHaveText('150 of 150 rows');
  const cellOf = (row: number, col: number) =>
    page.locator(`[data-testid="data-table"] .weft-ptable-row[data-row="${row}"] > span`).nth(col);
  await expect(cellOf(0, 3)).toHaveText('1.4');
  await page.getByTestId('sort-petal_length').click();
  await page.getByTestId('sort-petal_length').click();
  await expect(status).toContainText('sorted by petal_length ↓');
  await expect(cellOf(0, 3)).toHaveText('6.9');
  await expect(cellOf(0, 0)).toHaveText('119');
  expect(await page.locator('[data-testid="data-table"] .weft-ptable-row').count()).toBeLessThan(30);
  await page.getByTestId('filter-species').fill('versi');
  await expect(status).toHaveText('50 of 150 rows · sorted by petal_length ↓');
  await expect(cellOf(0, 3)).toHaveText('5.1');
  await page.getByTestId('filter-sepal_width').fill('>3');
  await expect(status).toContainText('8 of 150 rows');
  await s.shot('data-table-sorted-filtered');

  await views.getByTestId('view-distributions').click();
  await expect(page.getByTestId('distributions').locator('.weft-plot')).toHaveCount(5);
  const species = page.getByTestId('distribution-species');
  await expect(species.getByTestId('missing-count')).toHaveText('· 0 missing');
  await expect(species.locator('canvas')).toBeVisible();
  await expect(page.getByTestId('distribution-petal_length').locator('canvas')).toBeVisible();
  await s.shot('data-distributions');

  await views.getByTestId('view-scatter').click();
  await page.getByTestId('scatter-x').selectOption('petal_length');
  await page.getByTestId('scatter-y').selectOption('petal_width');
  const scatter = page.getByTestId('scatter');
  await expect(scatter).toContainText('petal_width against petal_length');
  await expect(scatter).toContainText('coloured by species');
  for (const c of ['setosa', 'versicolor', 'virginica']) await expect(scatter.locator('.u-legend')).toContainText(c);
  await expect(scatter.locator('canvas')).toBeVisible();
  const download = page.waitForEvent('download');
  await scatter.getByTestId('export-png').click();
  const png = await download;
  expect(png.suggestedFilename()).toBe('csv_1-table-petal_width-vs-petal_length.png');
  const bytes = readFileSync(await png.path());
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length).toBeGreaterThan(2000);
  await s.shot('data-scatter');

  await views.getByTestId('view-correlation').click();
  await expect(page.getByTestId('correlation')).toContainText('Pearson correlation of 4 numeric columns');
  await expect(page.getByTestId('correlation').locator('canvas')).toBeVisible();
  await s.shot('data-correlation');

  await views.getByTestId('view-pca').click();
  // scikit-learn: explained_variance_ratio_ 0.9246 + 0.0531 (raw), 0.7296 + 0.2285 (standardized)
  await expect(page.getByTestId('pca-variance')).toContainText('explains 97.8 % of the variance (150 rows)');
  await expect(page.getByTestId('pca')).toContainText('PC1 (92.5 %)');
  await expect(page.getByTestId('pca').locator('canvas')).toBeVisible();
  await s.shot('data-pca');
  await page.getByTestId('pca-standardize').check();
  await expect(page.getByTestId('pca-variance')).toContainText('explains 95.8 % of the variance');
  await s.shot('data-pca-standardized');
  expect(errors).toEqual([]);
});

test('a million-row table scrolls, sorts and filters with only the rows in view in the page', async ({
  studioPage: s,
  page,
  studio,
}) => {
  const errors = consoleErrors(page);
  const n = 1_000_000;
  const lines = ['i,x,k'];
  for (let i = 0; i < n; i++) lines.push(`${i},${(i * 7919) % 1000},${'abc'[i % 3]}`);
  writeFileSync(path.join(studio.workspace, 'million.csv'), lines.join('\n') + '\n');
  await s.dragFromPalette('data.csv', 120, 120);
  await s.setParam('csv_1', 'path', 'million.csv');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  await page.getByTestId('results-node-csv_1').click();
  await page.getByTestId('data-views').getByTestId('view-table').click();
  const status = page.getByTestId('data-table-status');
  await expect(status).toHaveText('1,000,000 of 1,000,000 rows');
  const rows = page.locator('[data-testid="data-table"] .weft-ptable-row');
  const scroller = page.locator('.weft-ptable-scroll');
  const firstNumber = () => rows.first().locator('.weft-ptable-num').textContent();

  const timed = async (label: string, act: () => Promise<void>, settled: () => Promise<void>): Promise<void> => {
    const t0 = Date.now();
    await act();
    await settled();
    test.info().annotations.push({ type: 'timing', description: `${label}: ${Date.now() - t0} ms` });
  };
  await timed(
    'scroll to the middle',
    () => scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 })),
    () => expect.poll(async () => Number(await firstNumber())).toBeGreaterThan(450_000),
  );
  await expect(rows.first()).not.toContainText('…');
  expect(await rows.count()).toBeLessThan(30);
  await timed(
    'scroll to the end',
    () => scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight })),
    () => expect(rows.last().locator('.weft-ptable-num')).toHaveText('1000000'),
  );
  await expect(rows.last()).toContainText('999999');
  await s.shot('million-rows-end');
  await timed(
    'sort by x descending',
    async () => {
      await page.getByTestId('sort-x').click();
      await page.getByTestId('sort-x').click();
    },
    () => expect(rows.first().locator('span').nth(2)).toHaveText('999'),
  );
  await expect(status).toContainText('sorted by x ↓');
  await timed(
    'filter k = b',
    () => page.getByTestId('filter-k').fill('b'),
    () => expect(status).toHaveText('333,333 of 1,000,000 rows · sorted by x ↓'),
  );
  expect(await rows.count()).toBeLessThan(30);
  await s.shot('million-rows-sorted-filtered');
  expect(errors).toEqual([]);
  writeFileSync(
    test.info().outputPath('timings.txt'),
    test
      .info()
      .annotations.map((a) => a.description)
      .join('\n'),
  );
});
