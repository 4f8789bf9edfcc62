import { expect, test, type StudioPage } from './fixtures';

/** Builds data.csv → prep.split → (model.mlp) → train.trainer → eval.classification from the palette. */
async function buildClassifier(s: StudioPage, epochs: string): Promise<void> {
  await s.dragFromPalette('data.csv', 80, 60);
  await s.dragFromPalette('prep.split', 80, 260);
  await s.dragFromPalette('model.mlp', 380, 60);
  await s.dragFromPalette('train.trainer', 380, 260);
  await s.dragFromPalette('eval.classification', 680, 160);
  await s.page.getByRole('button', { name: 'Fit', exact: true }).click();
  await s.page.waitForTimeout(400);
  await s.connect(['csv_1', 'table'], ['split_1', 'table']);
  await s.connect(['mlp_1', 'model'], ['trainer_1', 'model']);
  await s.connect(['split_1', 'dataset'], ['trainer_1', 'data']);
  await s.connect(['trainer_1', 'model'], ['classification_1', 'model']);
  await s.connect(['split_1', 'dataset'], ['classification_1', 'data']);
  await expect(s.edges()).toHaveCount(5);
  await s.setParam('csv_1', 'path', 'iris.csv');
  await s.setParam('split_1', 'target', 'species');
  await s.setParam('trainer_1', 'epochs', epochs);
  await expect(s.page.getByTestId('node-errors')).toHaveCount(0);
}

test('build, run and read a classification pipeline from an empty canvas', async ({ studioPage: s, page }) => {
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await buildClassifier(s, '60');
  await s.shot('built');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  for (const id of ['csv_1', 'split_1', 'mlp_1', 'trainer_1', 'classification_1']) {
    await expect(s.node(id).getByTestId('status-badge')).toHaveAttribute('data-status', /done|cached/);
  }
  await page.getByTestId('results-node-classification_1').click();
  await expect(page.getByTestId('metrics-view')).toBeVisible();
  const accuracy = Number(await page.getByTestId('metric-accuracy').locator('.weft-scalar-value').textContent());
  expect(accuracy).toBeGreaterThan(0.8);
  const matrix = page.getByTestId('confusion-matrix');
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('tbody tr')).toHaveCount(3);
  await expect(matrix).toContainText('setosa');
  await s.shot('results');
  await page.getByTestId('tab-run').click();
  await expect(page.getByTestId('curves-trainer_1')).toBeVisible();
  await s.shot('training-curves');
});

test('cancel a long run', async ({ studioPage: s, page }) => {
  await buildClassifier(s, '100000');
  await page.getByTestId('run').click();
  await expect(s.node('trainer_1').getByTestId('status-badge')).toHaveAttribute('data-status', 'running', {
    timeout: 60_000,
  });
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('run-status')).toHaveText('run cancelled', { timeout: 30_000 });
  await expect(s.node('trainer_1').getByTestId('status-badge')).toHaveAttribute('data-status', 'cancelled');
  await expect(s.node('classification_1').getByTestId('status-badge')).toHaveAttribute('data-status', 'cancelled');
  await s.shot('cancelled');
});
