import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWeft } from '../../fixtures/runWeft';

const example = path.resolve(import.meta.dirname, '../../../resources/examples/compare-learners.weft.json');

describe('resources/examples/compare-learners.weft.json', () => {
  it('weft run prints the Test & Score table with mean ± sd for each of its three learners', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'weft-compare-'));
    try {
      const run = runWeft(['run', example, '--workspace', workspace, '--no-cache'], { timeoutMs: 240_000 });
      expect(run.stderr).not.toMatch(/failed/);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Test & Score (5-fold CV');
      for (const id of ['logistic', 'forest', 'mlp_trainer']) {
        expect(run.stdout).toMatch(new RegExp(`^\\*? ?${id} .*0\\.9\\d{3} ± 0\\.0\\d{3}`, 'm'));
        expect(run.stdout).toMatch(new RegExp(`${id}\\.accuracy_mean=0\\.9\\d+ ${id}\\.accuracy_std=0\\.0\\d+`));
      }
      expect(run.stdout).toMatch(/^\* \w+ .* best$/m);
      expect(run.stdout).toContain('Permutation importance (test; drop in accuracy');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }, 300_000);
});
