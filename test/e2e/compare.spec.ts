import { expect, test } from './fixtures';

test('compare two learners by cross-validation and read their feature importance', async ({ studioPage: s, page }) => {
  await s.dragFromPalette('data.csv', 80, 60);
  await s.dragFromPalette('prep.split', 80, 300);
  await s.dragFromPalette('ml.logistic', 380, 40);
  await s.dragFromPalette('ml.tree', 380, 260);
  await s.dragFromPalette('eval.compare', 700, 40);
  await s.dragFromPalette('eval.importance', 700, 460);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.waitForTimeout(400);
  await s.connect(['csv_1', 'table'], ['split_1', 'table']);
  await s.connect(['split_1', 'dataset'], ['logistic_1', 'data']);
  await s.connect(['split_1', 'dataset'], ['tree_1', 'data']);
  await s.connect(['logistic_1', 'learner'], ['compare_1', 'learner1']);
  await s.connect(['tree_1', 'learner'], ['compare_1', 'learner2']);
  await s.connect(['split_1', 'dataset'], ['compare_1', 'data']);
  await s.connect(['tree_1', 'model'], ['importance_1', 'model']);
  await s.connect(['split_1', 'dataset'], ['importance_1', 'data']);
  await expect(s.edges()).toHaveCount(8);
  await s.setParam('csv_1', 'path', 'iris.csv');
  await s.setParam('split_1', 'target', 'species');
  await s.setParam('compare_1', 'folds', '3');
  await expect(page.getByTestId('node-errors')).toHaveCount(0);
  await s.shot('compare-built');

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  await page.getByTestId('results-node-compare_1').click();
  const table = page.getByTestId('comparison-table');
  await expect(table).toBeVisible();
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('compare-row-logistic_1')).toContainText(/0\.\d{4} ± 0\.\d{4}/);
  await expect(table).toContainText('★');
  await expect(table).toContainText('best');

  const firstRow = async (): Promise<string> =>
    (await table.locator('tbody tr').first().getAttribute('data-testid')) ?? '';
  await page.getByTestId('compare-sort-learner').click();
  expect(await firstRow()).toBe('compare-row-logistic_1');
  await page.getByTestId('compare-sort-learner').click();
  expect(await firstRow()).toBe('compare-row-tree_1');
  await expect(page.getByTestId('roc-curve')).toBeVisible();
  await expect(page.getByTestId('comparison-confusion').getByTestId('confusion-matrix')).toContainText('setosa');
  await s.shot('compare-results');

  await page.getByTestId('results-node-importance_1').click();
  const chart = page.getByTestId('importance-chart');
  await expect(chart).toBeVisible();
  await expect(chart.locator('.weft-importance-row')).toHaveCount(4);
  await s.shot('importance-results');
});
