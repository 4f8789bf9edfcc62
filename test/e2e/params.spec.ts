import { expect, test } from './fixtures';

test('basic params first, advanced on demand, choice-specific fields, invalid input kept', async ({
  studioPage: s,
  page,
}) => {
  await s.dragFromPalette('data.csv', 80, 60);
  await s.select('csv_1');
  await expect(page.getByTestId('inspector').locator('.weft-form .weft-field').first()).toContainText('path *');
  await s.dragFromPalette('train.trainer', 380, 260);
  await s.select('trainer_1');
  const inspector = page.getByTestId('inspector');
  await expect(page.getByTestId('param-epochs')).toBeVisible();
  await expect(page.getByTestId('param-beta1')).toBeHidden();
  await expect(page.getByTestId('param-stepSize')).toHaveCount(0);
  await s.shot('trainer-basic');

  await page.getByTestId('advanced-params').locator('summary').click();
  await expect(page.getByTestId('param-beta1')).toBeVisible();
  await expect(page.getByTestId('param-momentum')).toHaveCount(0);
  await page.getByTestId('param-schedule').selectOption('step');
  await expect(page.getByTestId('param-stepSize')).toBeVisible();
  await expect(page.getByTestId('param-plateauPatience')).toHaveCount(0);
  await page.getByTestId('param-optimizer').selectOption('sgd');
  await expect(page.getByTestId('param-beta1')).toHaveCount(0);
  await expect(inspector.getByText('Early stopping: epochs without improvement')).toHaveCount(0);
  await s.shot('trainer-advanced');

  const epochs = page.getByTestId('param-epochs');
  await epochs.fill('abc');
  await expect(epochs).toHaveValue('abc');
  await expect(page.getByTestId('param-epochs-invalid')).toContainText('not a number');
  await s.select('csv_1');
  await s.select('trainer_1');
  await expect(page.getByTestId('param-epochs')).toHaveValue('10');
  await page.getByTestId('param-epochs').fill('25');
  await expect(page.getByTestId('param-epochs-invalid')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('param-epochs')).toHaveValue('10');
  await s.shot('invalid-kept');
});
