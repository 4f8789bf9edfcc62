import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';

test('a newcomer picks the target from a list, runs and reads the metrics', async ({ studioPage: s, page }) => {
  await s.dragFromPalette('data.csv', 80, 60);
  await s.dragFromPalette('prep.split', 80, 260);
  await s.dragFromPalette('model.mlp', 380, 60);
  await s.dragFromPalette('train.trainer', 380, 260);
  await s.dragFromPalette('eval.classification', 680, 160);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.waitForTimeout(400);
  await s.connect(['csv_1', 'table'], ['split_1', 'table']);
  await s.connect(['mlp_1', 'model'], ['trainer_1', 'model']);
  await s.connect(['split_1', 'dataset'], ['trainer_1', 'data']);
  await s.connect(['trainer_1', 'model'], ['classification_1', 'model']);
  await s.connect(['split_1', 'dataset'], ['classification_1', 'data']);
  await s.setParam('csv_1', 'path', 'iris.csv');

  await s.select('split_1');
  const target = page.getByTestId('param-target');
  await expect(target.locator('option', { hasText: 'species · category' })).toHaveCount(1);
  await expect(target.locator('option', { hasText: 'petal_width · number' })).toHaveCount(1);
  await s.shot('target-choices');
  await target.selectOption('species');
  await expect(page.getByTestId('param-features-sepal_length')).toBeVisible();
  await page.getByTestId('param-features-petal_length').check();
  await page.getByTestId('param-features-petal_width').check();
  await s.shot('target-picked');
  await s.setParam('trainer_1', 'epochs', '200');
  await expect(page.getByTestId('node-errors')).toHaveCount(0);

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 120_000 });
  await page.getByTestId('results-node-classification_1').click();
  await page.getByTestId('bottom-maximize').click();
  const panel = await page.getByTestId('bottom-panel').boundingBox();
  expect(panel?.height).toBeGreaterThan(850);
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const accuracy = Number(await page.getByTestId('metric-accuracy').locator('.weft-scalar-value').textContent());
  expect(accuracy).toBeGreaterThan(0.8);
  await s.shot('metrics');
});

test('a loaded pipeline naming a column the data lacks is flagged on the node', async ({
  studioPage: s,
  page,
  studio,
}) => {
  const example = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../resources/examples/iris-classification.weft.json'), 'utf8'),
  ) as { nodes: { id: string; params: Record<string, unknown> }[] };
  for (const n of example.nodes) {
    if (n.id === 'csv') n.params.path = 'iris.csv';
    if (n.id === 'split') n.params.target = 'Species';
  }
  writeFileSync(path.join(studio.workspace, 'wrong-target.weft.json'), JSON.stringify(example));
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByTestId('open-path').fill('wrong-target.weft.json');
  await page.getByTestId('open-path').press('Enter');
  await expect(s.node('split').getByTestId('node-unknown-columns')).toContainText('Species');
  await s.select('split');
  await expect(page.getByTestId('param-target')).toHaveValue('Species');
  await page.getByTestId('param-target').selectOption('species');
  await expect(s.node('split').getByTestId('node-unknown-columns')).toHaveCount(0);
  await s.shot('unknown-column-fixed');
});
