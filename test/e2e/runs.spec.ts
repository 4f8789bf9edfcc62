import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';

const bin = path.resolve(import.meta.dirname, '../../bin/weft.js');

/** iris → split → mlp → trainer → eval, on the CPU, with the trainer's learning rate given. */
function irisPipeline(lr: number): string {
  const node = (id: string, type: string, params: Record<string, unknown>, x: number) => ({
    id,
    type,
    version: 1,
    params,
    position: { x, y: 0 },
  });
  const edge = (s: string, sp: string, t: string, tp: string) => ({
    id: `${s}.${sp}->${t}.${tp}`,
    source: { node: s, port: sp },
    target: { node: t, port: tp },
  });
  return JSON.stringify({
    format: 'weft.pipeline',
    version: 2,
    metadata: { name: 'iris runs' },
    nodes: [
      node('csv', 'data.csv', { path: 'iris.csv' }, 0),
      node('split', 'prep.split', { target: 'species', seed: 3 }, 220),
      node('mlp', 'model.mlp', {}, 220),
      node('trainer', 'train.trainer', { epochs: 4, batchSize: 16, lr, seed: 11, provider: 'cpu' }, 440),
      node('eval', 'eval.classification', { split: 'test' }, 660),
    ],
    edges: [
      edge('csv', 'table', 'split', 'table'),
      edge('split', 'dataset', 'trainer', 'data'),
      edge('mlp', 'model', 'trainer', 'model'),
      edge('trainer', 'model', 'eval', 'model'),
      edge('split', 'dataset', 'eval', 'data'),
    ],
  });
}

test('the runs view lists recorded runs, overlays their curves, diffs two and opens a run’s pipeline', async ({
  studio,
  studioPage,
}) => {
  const { page } = studioPage;
  const file = path.join(studio.workspace, 'iris.weft.json');
  for (const lr of [0.01, 0.05]) {
    writeFileSync(file, irisPipeline(lr));
    const r = spawnSync(process.execPath, [bin, 'run', file, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }

  await page.getByTestId('tab-runs').click();
  const rows = page.locator('[data-testid="runs-table"] tbody tr');
  await expect(rows).toHaveCount(2);
  const table = page.getByTestId('runs-table');
  await expect(table.getByTestId('runs-col-metric:accuracy')).toBeVisible();
  await expect(table.locator('th', { hasText: 'Δ accuracy ↑' })).toHaveAttribute('title', /higher is better/);
  await expect(table.locator('th', { hasText: 'Δ loss ↓' })).toHaveAttribute('title', /lower is better/);
  await expect(table.locator('[data-testid="delta-accuracy"]')).toHaveCount(1);
  await expect(table.locator('[data-testid="delta-accuracy"]')).toHaveClass(/runs-delta-(better|worse|same)/);

  await table.getByTestId('runs-col-metric:loss').click();
  await expect(table.getByTestId('runs-col-metric:loss')).toHaveAttribute('aria-sort', 'descending');

  await rows.nth(0).click();
  await rows.nth(1).click();
  await expect(page.getByTestId('runs-curves').locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('runs-curves').locator('select')).toHaveValue('loss');
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => (tr.getAttribute('data-run-id') ?? '').slice(0, 8)));
  for (const id of ids) await expect(page.getByTestId('runs-curves').locator('.u-legend')).toContainText(id);
  const diff = page.getByTestId('runs-diff');
  await expect(diff).toContainText('trainer.lr');
  await expect(diff).toContainText('0.01');
  await expect(diff).toContainText('0.05');
  await expect(diff).toContainText('eval.accuracy');
  await page.setViewportSize({ width: 1440, height: 1500 });
  await page.getByTestId('runs-view').screenshot({ path: test.info().outputPath('runs-view.png') });

  await rows.nth(1).click();
  await page.getByRole('button', { name: 'Open this run’s pipeline' }).click();
  await expect(studioPage.node('trainer')).toBeVisible();
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
});
