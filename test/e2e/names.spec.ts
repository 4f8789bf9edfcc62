import { expect, test } from './fixtures';

test('a pipeline takes its file name, runs list it, results open on the evaluation', async ({
  studioPage: s,
  page,
}) => {
  await page.getByTestId('examples-button').click();
  await page
    .getByTestId('examples')
    .getByRole('button', { name: /Classify iris flowers from 4 measurements/ })
    .click();
  await expect(page.getByTestId('pipeline-name')).toHaveValue('Classify iris flowers from 4 measurements');
  await page.getByTestId('pipeline-name').fill('');
  await s.select('scale');
  await page.getByRole('button', { name: 'Save as…' }).click();
  await page.getByTestId('save-as-path').fill('flowers.weft.json');
  await page.getByTestId('save-as-confirm').click();
  await expect(page.getByTestId('status-line')).toContainText('flowers.weft.json');
  await expect(page.getByTestId('pipeline-name')).toHaveValue('flowers');
  await s.shot('named-on-save');

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 150_000 });
  const chip = page.getByTestId('results-node-metrics');
  await expect(chip).toHaveClass(/active/);
  await expect(chip).toHaveText('Classification metrics');
  await expect(page.getByTestId('metrics-view')).toBeVisible();
  await s.shot('results-on-evaluation');

  await page.getByTestId('pipeline-name').fill('iris flowers, v2');
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('runs-table')).toContainText('flowers');
  await s.shot('runs-named');
});
