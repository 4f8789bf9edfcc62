import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';

const appExamplesOut = path.resolve(import.meta.dirname, '../../resources/examples/out');
const appIris = path.resolve(import.meta.dirname, '../../resources/data/iris.csv');

test('run an example, save a copy in the workspace and run the copy', async ({ studioPage: s, page, studio }) => {
  const outBefore = existsSync(appExamplesOut);
  await page.getByTestId('examples-button').click();
  await page
    .getByTestId('examples')
    .getByRole('button', { name: /Classify iris flowers from 4 measurements/ })
    .click();
  await expect(page.getByTestId('status-line')).toContainText('read-only');
  await s.shot('example-opened');

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 150_000 });
  expect(
    existsSync(path.join(studio.workspace, 'out/iris.onnx')),
    'the example wrote its model into the workspace',
  ).toBe(true);
  if (!outBefore) expect(existsSync(appExamplesOut), 'nothing is written into the application folder').toBe(false);

  await page.getByRole('button', { name: 'Save as…' }).click();
  await page.getByTestId('save-as-path').fill('my-iris.weft.json');
  await page.getByTestId('save-as-confirm').click();
  await expect(page.getByTestId('status-line')).toContainText('my-iris.weft.json');
  await expect(page.getByTestId('status-line')).not.toContainText('•');
  const saved = JSON.parse(readFileSync(path.join(studio.workspace, 'my-iris.weft.json'), 'utf8')) as {
    nodes: { id: string; params: Record<string, unknown> }[];
  };
  expect(saved.nodes.find((n) => n.id === 'csv')?.params.path).toBe(appIris);
  await s.shot('copy-saved');

  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-status')).toHaveText('run finished', { timeout: 150_000 });
  await expect(s.node('csv').getByTestId('status-badge')).toHaveAttribute('data-status', /done|cached/);
  await s.shot('copy-ran');
});
