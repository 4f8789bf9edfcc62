import { expect, test } from './fixtures';

test('an invalid connection is refused with the reason', async ({ studioPage: s, page }) => {
  await s.dragFromPalette('data.csv', 200, 150);
  await s.dragFromPalette('eval.classification', 650, 150);
  await s.connect(['csv_1', 'table'], ['classification_1', 'model']);
  await expect(page.getByTestId('toast').filter({ hasText: 'cannot feed' })).toBeVisible();
  await expect(s.edges()).toHaveCount(0);
  await s.shot('invalid-connection');
});

test('palette search, doc on hover, undo and redo', async ({ studioPage: s, page }) => {
  await page.getByTestId('palette-search').fill('split');
  await expect(page.getByTestId('palette-item-prep.split')).toBeVisible();
  await expect(page.getByTestId('palette-item-data.csv')).toHaveCount(0);
  await page.getByTestId('palette-item-prep.split').hover();
  await expect(page.getByTestId('palette-doc')).toContainText('prep.split');
  await s.dragFromPalette('prep.split', 300, 200);
  await expect(s.node('split_1').getByTestId('node-errors')).toContainText('not connected');
  await page.getByTestId('undo').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await page.getByTestId('redo').click();
  await expect(s.node('split_1')).toBeVisible();
});

test('reload restores the saved pipeline', async ({ studioPage: s, page, studio }) => {
  await s.dragFromPalette('data.csv', 200, 150);
  await s.dragFromPalette('prep.split', 600, 150);
  await s.connect(['csv_1', 'table'], ['split_1', 'table']);
  await expect(s.edges()).toHaveCount(1);
  await s.setParam('csv_1', 'path', 'iris.csv');
  await page.keyboard.press('Control+s');
  await page.getByTestId('save-as-path').fill('flow.weft.json');
  await page.getByTestId('save-as-confirm').click();
  await expect(page.getByTestId('status-line')).toContainText('flow.weft.json');
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await expect(s.node('csv_1')).toBeVisible();
  await expect(s.node('split_1')).toBeVisible();
  await expect(s.edges()).toHaveCount(1);
  await s.select('csv_1');
  await expect(page.getByTestId('param-path')).toHaveValue('iris.csv');
  expect(studio.workspace).toBeTruthy();
  await s.shot('reloaded');
});
