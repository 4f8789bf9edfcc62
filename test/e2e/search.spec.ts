import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';

/** iris → split → mlp → trainer → validation eval → tune.search: four quick random trials over lr and hidden sizes. */
function irisSearch(): string {
  const node = (id: string, type: string, params: Record<string, unknown>, x: number, y = 0) => ({
    id,
    type,
    version: 1,
    params,
    position: { x, y },
  });
  const edge = (s: string, sp: string, t: string, tp: string) => ({
    id: `${s}.${sp}->${t}.${tp}`,
    source: { node: s, port: sp },
    target: { node: t, port: tp },
  });
  return JSON.stringify({
    format: 'weft.pipeline',
    version: 2,
    metadata: { name: 'iris search' },
    nodes: [
      node('csv', 'data.csv', { path: 'iris.csv' }, 0),
      node('split', 'prep.split', { target: 'species', validation: 0.3, seed: 3 }, 220),
      node('mlp', 'model.mlp', { hidden: [8] }, 220, 200),
      node('train', 'train.trainer', { epochs: 3, batchSize: 16, lr: 0.01, seed: 1, provider: 'cpu' }, 440),
      node('eval_val', 'eval.classification', { split: 'validation' }, 660),
      node(
        'search',
        'tune.search',
        {
          dimensions: [
            { node: 'train', param: 'lr', type: 'float', low: 0.001, high: 0.3, scale: 'log' },
            { node: 'mlp', param: 'hidden', type: 'choice', choices: [[4], [16]] },
          ],
          metric: 'accuracy',
          algorithm: 'random',
          trials: 4,
          seed: 2,
        },
        880,
      ),
    ],
    edges: [
      edge('csv', 'table', 'split', 'table'),
      edge('split', 'dataset', 'train', 'data'),
      edge('mlp', 'model', 'train', 'model'),
      edge('train', 'model', 'eval_val', 'model'),
      edge('split', 'dataset', 'eval_val', 'data'),
      edge('eval_val', 'metrics', 'search', 'metrics'),
      edge('train', 'model', 'search', 'model'),
    ],
  });
}

test('a search fills the trials table and plots, opens a trial, and takes a dimension from the editor', async ({
  studioPage: s,
  page,
  studio,
}) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('dialog', (d) => void d.accept());
  writeFileSync(path.join(studio.workspace, 'iris-search.weft.json'), irisSearch());
  const welcome = page.getByTestId('welcome-close');
  if (await welcome.isVisible()) await welcome.click();
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByTestId('open-path').fill('iris-search.weft.json');
  await page.getByTestId('open-path').press('Enter');
  await expect(s.node('search')).toBeVisible();

  await page.getByTestId('run').click();
  // On a quiet machine the four trials can finish before the Run tab is looked at, and a finished
  // run opens the results; so wait for the end, then go back to the Run tab's trials card.
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 150_000 });
  await page.getByTestId('tab-run').click();
  const card = page.getByTestId('trials-search');
  await expect(card).toBeVisible();
  await expect(card.locator('h4')).toContainText('search: 4 of 4 trials, best #');
  const objective = card.locator('th[title="sort by accuracy"]');
  const rows = card.locator('table.runs-table > tbody > tr');
  await expect(rows).toHaveCount(4);
  for (let i = 0; i < 4; i++) {
    await expect(rows.nth(i).locator('td').nth(1)).toHaveText(/^(finished|pruned|failed)$/);
    await expect(rows.nth(i).locator('td').nth(5)).toHaveText(/^(0|1)\.\d{4}$/);
  }

  await objective.click();
  await expect(objective).toHaveAttribute('aria-sort', 'descending');
  const objectives = (await rows.locator('td:nth-child(6)').allTextContents()).map(Number);
  expect(objectives).toEqual([...objectives].sort((a, b) => b - a));
  await objective.click();
  await expect(objective).toHaveAttribute('aria-sort', 'ascending');
  const ascending = (await rows.locator('td:nth-child(6)').allTextContents()).map(Number);
  expect(ascending).toEqual([...objectives].reverse());

  await expect(card.locator('.u-legend')).toContainText('best accuracy');
  await expect(card.locator('canvas')).toHaveCount(1);
  await expect(card.getByTestId('trials-parallel').locator('polyline')).toHaveCount(4);
  await page.getByTestId('bottom-maximize').click();
  await card.screenshot({ path: test.info().outputPath('search-trials.png') });
  await page.getByTestId('bottom-maximize').click();

  await s.select('search');
  const editor = page.getByTestId('dimensions-editor');
  await expect(editor.getByTestId('dimension-train.lr')).toContainText('train.lr: float 0.001..0.3 (log)');
  await expect(editor.getByTestId('dimension-mlp.hidden')).toContainText('mlp.hidden: one of [4] | [16]');
  await expect(page.getByTestId('param-metric-list').locator('option[value="accuracy"]')).toHaveCount(1);
  await expect(editor.getByTestId('dimension-node').locator('option')).toHaveText([
    'node…',
    'eval_val',
    'train',
    'split',
    'mlp',
    'csv',
  ]);
  await editor.getByTestId('dimension-node').selectOption('train');
  await editor.getByTestId('dimension-param').selectOption('epochs');
  await expect(editor.getByTestId('dimension-type')).toHaveValue('int');
  await expect(editor.getByTestId('dimension-low')).toHaveValue('1');
  await expect(editor.getByTestId('dimension-high')).toHaveValue('6');
  await editor.getByTestId('dimension-low').fill('5');
  await editor.getByTestId('dimension-high').fill('2');
  await expect(editor.getByTestId('dimension-error')).toHaveText('the range 5..2 is empty: low is above high');
  await expect(editor.getByTestId('dimension-high')).toHaveValue('2');
  await expect(editor.getByTestId('dimension-add')).toBeDisabled();
  await s.shot('search-dimension-invalid');
  await editor.getByTestId('dimension-high').fill('8');
  await expect(editor.getByTestId('dimension-error')).toHaveCount(0);
  await editor.getByTestId('dimension-add').click();
  await expect(editor.getByTestId('dimension-train.epochs')).toContainText('train.epochs: int 5..8');
  await editor.getByTestId('dimension-edit-train.epochs').click();
  await expect(editor.locator('legend')).toHaveText('Change train.epochs');
  await expect(editor.getByTestId('dimension-low')).toHaveValue('5');
  await editor.getByTestId('dimension-high').fill('9');
  await editor.getByTestId('dimension-add').click();
  await expect(editor.getByTestId('dimension-train.epochs')).toContainText('train.epochs: int 5..9');
  await expect(editor.locator('li')).toHaveCount(3);
  await s.shot('search-dimension-added');

  await objective.click();
  const bestLr = Number(await rows.first().locator('td').nth(2).textContent());
  await rows.first().getByRole('button', { name: 'open' }).click();
  await expect(s.node('search')).toHaveCount(0);
  await expect(s.node('train')).toBeVisible();
  await s.select('train');
  const lr = Number(await page.getByTestId('param-lr').inputValue());
  expect(Math.abs(lr - bestLr) / bestLr).toBeLessThan(1e-3);
  await s.shot('search-trial-opened');
  expect(consoleErrors).toEqual([]);
});
