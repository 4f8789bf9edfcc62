import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

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

  await page.getByTestId('results-node-train').click();
  await expect(page.getByTestId('model-view')).toContainText('6 epochs');
  await expect(page.getByTestId('result-not-kept')).toHaveCount(0);
});
