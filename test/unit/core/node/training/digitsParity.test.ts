import { describe, expect, it } from 'vitest';
import { readFixture, torchBand, trainDigits } from '../../../../../bench/digits/parity';

/**
 * Oracle: PyTorch 1.13 runs of the same recipe on the same digits split, recorded by
 * bench/digits_pytorch.py into test/fixtures/pytorch/digits.json (three seeds). The full
 * 10-epoch MLP and 5-epoch CNN comparison is `npm run bench -- digits`.
 */
describe('digits MLP against recorded PyTorch runs', () => {
  it("follows PyTorch's loss curve and test accuracy over the first epochs", async () => {
    const epochs = 4;
    const torch = readFixture().models.mlp;
    const loss = torchBand(torch.runs, (r) => r.train_loss);
    const acc = torchBand(torch.runs, (r) => r.epoch_test_accuracy);
    const ours = await trainDigits('mlp', 7, { epochs });
    for (let e = 0; e < epochs; e++) {
      // Different seeds give different curves; ours must lie in PyTorch's band widened by 15%.
      expect(ours.trainLoss[e]).toBeGreaterThan(loss.lo[e] * 0.85);
      expect(ours.trainLoss[e]).toBeLessThan(loss.hi[e] * 1.15);
      expect(Math.abs(ours.testAccuracy[e] - acc.mean[e])).toBeLessThan(0.02);
    }
  }, 60_000);
});
