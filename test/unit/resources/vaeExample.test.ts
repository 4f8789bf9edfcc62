import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWeft } from '../../fixtures/runWeft';

const example = path.resolve(import.meta.dirname, '../../../resources/examples/vae-digits.weft.json');

describe('resources/examples/vae-digits.weft.json', () => {
  it('weft run trains the VAE with a falling loss, then generates samples and reconstructions', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'weft-vae-example-'));
    try {
      const run = runWeft(['run', example, '--workspace', workspace, '--no-cache'], { timeoutMs: 240_000 });
      expect(run.stderr).not.toMatch(/failed/);
      expect(run.code).toBe(0);
      const losses = [...run.stderr.matchAll(/train epoch \d+: loss=([\d.]+) val_loss=([\d.]+)/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]);
      expect(losses).toHaveLength(6);
      // Binary cross-entropy summed over 784 pixels plus the KL term (outputs of ½ everywhere would score 784·ln 2 ≈ 543).
      expect(losses.at(-1)![0]).toBeLessThan(0.8 * losses[0][0]);
      expect(losses.at(-1)![1]).toBeLessThan(losses[0][1]);
      expect(run.stdout).toContain('36 images decoded from a 8-d latent (random, temperature 1, seed 7)');
      expect(run.stdout).toContain('8 reconstructions of the test split');
      expect(run.stdout).toContain('10 images decoded from a 8-d latent (interpolated, row 0 → 1)');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }, 300_000);
});
