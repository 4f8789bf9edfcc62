import { expect, test } from './fixtures';

test('the bottom panel resizes by dragging and keeps its size after a reload', async ({ studioPage: s, page }) => {
  const panel = page.getByTestId('bottom-panel');
  const before = (await panel.boundingBox())!.height;
  const bar = (await page.getByTestId('splitter-bottom').boundingBox())!;
  await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
  await page.mouse.down();
  await page.mouse.move(bar.x + bar.width / 2, bar.y - 100, { steps: 5 });
  await page.mouse.move(bar.x + bar.width / 2, bar.y - 200, { steps: 5 });
  await page.mouse.up();
  const after = (await panel.boundingBox())!.height;
  expect(after - before).toBeGreaterThan(180);
  expect(after - before).toBeLessThan(220);
  await s.shot('bottom-resized');

  const side = (await page.getByTestId('inspector').boundingBox())!.width;
  const inspectorBar = (await page.getByTestId('splitter-inspector').boundingBox())!;
  await page.mouse.move(inspectorBar.x + 2, inspectorBar.y + 100);
  await page.mouse.down();
  await page.mouse.move(inspectorBar.x - 120, inspectorBar.y + 100, { steps: 5 });
  await page.mouse.up();
  expect((await page.getByTestId('inspector').boundingBox())!.width).toBeGreaterThan(side + 100);

  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  expect(Math.abs((await panel.boundingBox())!.height - after)).toBeLessThan(2);
  expect((await page.getByTestId('inspector').boundingBox())!.width).toBeGreaterThan(side + 100);

  await page.getByTestId('bottom-maximize').click();
  expect((await panel.boundingBox())!.height).toBeGreaterThan(850);
  await page.getByTestId('bottom-maximize').click();
  expect(Math.abs((await panel.boundingBox())!.height - after)).toBeLessThan(2);
  await s.shot('bottom-restored');
});
