import { expect, test } from './fixtures';

test('the first open welcomes with the examples and starts from a CSV file', async ({ studioPage: s, page }) => {
  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(welcome.getByTestId('welcome-example-iris-classification.weft.json')).toBeVisible();
  await s.shot('welcome');
  await welcome.getByTestId('welcome-csv').click();
  await expect(welcome).toHaveCount(0);
  await expect(page.locator('.react-flow__node')).toHaveCount(1);
  await expect(page.getByTestId('file-browser')).toBeVisible();
  await page.getByTestId('file-iris.csv').click();
  await expect(page.getByTestId('param-path')).toHaveValue('iris.csv');
  await s.shot('csv-started');

  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('welcome')).toHaveCount(0);
});
