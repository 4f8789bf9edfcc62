import { expect, test } from './fixtures';

test('palette: click adds at the centre, tooltips, search by synonyms; Run waits for nodes', async ({
  studioPage: s,
  page,
}) => {
  await expect(page.getByTestId('run')).toBeDisabled();
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0);
  await page.getByTestId('palette-search').fill('normalize');
  await expect(page.getByTestId('palette-item-prep.standardize')).toBeVisible();
  await expect(page.getByTestId('palette-item-prep.minmax')).toBeVisible();
  await expect(page.getByTestId('palette-item-data.csv')).toHaveCount(0);
  await expect(page.getByTestId('palette-item-prep.minmax')).toHaveAttribute('title', /.+/);
  await s.shot('palette-normalize');
  await page.getByTestId('palette-item-prep.standardize').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(1);
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const node = (await page.locator('.react-flow__node').first().boundingBox())!;
  expect(Math.abs(node.x + node.width / 2 - (canvas.x + canvas.width / 2))).toBeLessThan(80);
  expect(Math.abs(node.y + node.height / 2 - (canvas.y + canvas.height / 2))).toBeLessThan(80);
  await expect(page.getByTestId('run')).toBeEnabled();
});

test('a wire dropped on a node body connects to its first compatible input', async ({ studioPage: s, page }) => {
  await s.dragFromPalette('data.csv', 80, 60);
  await s.dragFromPalette('prep.split', 420, 60);
  await s.dragFromPalette('model.mlp', 80, 300);
  await s.dragFromPalette('train.trainer', 420, 300);
  const from = (await s.handle('split_1', 'dataset', 'source').boundingBox())!;
  const body = (await s.node('trainer_1').locator('.weft-node-header').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(body.x + body.width / 2, body.y + 40, { steps: 8 });
  await page.mouse.move(body.x + body.width / 2, body.y + body.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(s.edges()).toHaveCount(1);
  await expect(page.locator('.react-flow__edge[data-testid="rf__edge-split_1.dataset->trainer_1.data"]')).toHaveCount(
    1,
  );

  const csvOut = (await s.handle('csv_1', 'table', 'source').boundingBox())!;
  const split = (await s.node('split_1').locator('.weft-node-header').boundingBox())!;
  await page.mouse.move(csvOut.x + csvOut.width / 2, csvOut.y + csvOut.height / 2);
  await page.mouse.down();
  await page.mouse.move(split.x + split.width / 2, split.y + split.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(s.edges()).toHaveCount(2);
  await s.shot('wires-on-bodies');
});
