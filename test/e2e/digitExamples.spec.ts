import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type StudioPage } from './fixtures';

/**
 * Opens an example from the welcome panel (a fresh browser sees it) and checks that the nodes in view
 * show no errors (the canvas draws only the nodes in view; a finished run vouches for the others).
 */
async function openFromWelcome(s: StudioPage, name: string, firstNode: string): Promise<void> {
  const { page } = s;
  await page.getByTestId(`welcome-example-${name}.weft.json`).click();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await expect(page.getByTestId('status-line')).toContainText('read-only');
  await expect(s.node(firstNode)).toBeVisible();
  await expect(page.getByTestId('node-errors')).toHaveCount(0);
  await expect(page.getByTestId('run')).toBeEnabled();
}

async function runToEnd(page: Page): Promise<void> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 240_000 });
}

async function summaryOf(page: Page, nodeId: string): Promise<string> {
  await page.getByTestId(`results-node-${nodeId}`).click();
  const text = page.getByTestId('results-panel').locator('.weft-summary-text');
  await expect(text).toBeVisible();
  return text.innerText();
}

async function metric(page: Page, nodeId: string, name: string): Promise<number> {
  await page.getByTestId(`results-node-${nodeId}`).click();
  const value = page.getByTestId(`metric-${name}`).locator('.weft-scalar-value');
  await expect(value).toBeVisible();
  return Number(await value.textContent());
}

test('compress-digits runs from the studio: the prune and quantize reports give numbers before and after', async ({
  studioPage: s,
  page,
}) => {
  test.setTimeout(300_000);
  await openFromWelcome(s, 'compress-digits', 'digits');
  await s.shot('compress-opened');
  await runToEnd(page);

  const prune = await summaryOf(page, 'prune');
  const figures = (when: string) =>
    new RegExp(
      `${when}: (\\d+) parameters \\(\\d+ non-zero\\), ONNX [^,]+, batch-1 [\\d.]+ ms, accuracy ([\\d.]+)`,
    ).exec(prune);
  const before = figures('before');
  const after = figures('after');
  expect(before, prune).not.toBeNull();
  expect(after, prune).not.toBeNull();
  expect(Number(after![1])).toBeLessThan(Number(before![1]));
  await s.shot('compress-prune-report');

  const int8 = await summaryOf(page, 'int8');
  const size = /size: float (\d+) bytes, int8 (\d+) bytes/.exec(int8);
  expect(size, int8).not.toBeNull();
  expect(Number(size![2])).toBeLessThan(Number(size![1]));
  expect(int8).toMatch(
    /latency \(onnxruntime CPU, 1 thread\): float [\d.]+ ms at batch 1, .*; int8 [\d.]+ ms at batch 1/,
  );
  expect(int8).toMatch(/accuracy [\d.]+% → [\d.]+% \(change [+-][\d.]+ points\)/);
  await s.shot('compress-int8-report');

  const teacher = await metric(page, 'eval_teacher', 'accuracy');
  const quantised = await metric(page, 'eval_int8', 'accuracy');
  expect(teacher).toBeGreaterThan(0.8);
  expect(quantised).toBeGreaterThan(0.8);
});

test('vae-digits runs from the studio and gen.sample shows its image grids', async ({ studioPage: s, page }) => {
  test.setTimeout(240_000);
  await openFromWelcome(s, 'vae-digits', 'digits');
  await runToEnd(page);

  for (const id of ['samples', 'path']) {
    await page.getByTestId(`results-node-${id}`).click();
    const grid = page.getByTestId('results-panel').getByTestId('image-grid').first();
    await expect(grid).toBeVisible();
    const greys = await grid
      .locator('canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length; i += 4) seen.add(d[i]);
        return seen.size;
      });
    expect(greys, `${id}: the decoded grid is drawn, not blank`).toBeGreaterThan(16);
    await s.shot(`vae-${id}`);
  }
});

test('transfer-digits runs from the studio: both models are scored and the transfer model is exported', async ({
  studioPage: s,
  page,
  studio,
}) => {
  test.setTimeout(240_000);
  await openFromWelcome(s, 'transfer-digits', 'digits_0_4');
  await runToEnd(page);
  expect(await metric(page, 'eval_transfer', 'accuracy')).toBeGreaterThan(0.7);
  expect(await metric(page, 'eval_scratch', 'accuracy')).toBeGreaterThan(0.7);
  expect(existsSync(path.join(studio.workspace, 'out/transfer-digits.onnx'))).toBe(true);
  await s.shot('transfer-results');
});
