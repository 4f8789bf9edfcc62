import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWeft } from '../../fixtures/runWeft';

const example = path.resolve(import.meta.dirname, '../../../resources/examples/transfer-digits.weft.json');

interface Summary {
  text?: string;
  metrics?: Record<string, number>;
}

describe('resources/examples/transfer-digits.weft.json', () => {
  it('weft run reuses the 0-4 CNN as a frozen backbone for 5-9 and exports backbone and head in one verified file', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'weft-transfer-'));
    try {
      const run = runWeft(['run', example, '--workspace', workspace, '--no-cache', '--json'], { timeoutMs: 170_000 });
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { status: string; nodes: Record<string, { summary?: Summary }> };
      expect(out.status).toBe('finished');
      expect(out.nodes.backbone.summary!.text).toContain('cut at reshape [batch, 400]');
      expect(out.nodes.digits_5_9.summary!.text).toContain('train 250');
      const acc = (id: string): number => out.nodes[id].summary!.metrics!.accuracy;
      expect(acc('eval_transfer')).toBeGreaterThan(0.85);
      expect(acc('eval_scratch')).toBeGreaterThan(0.8);
      const exported = out.nodes.export_transfer.summary!;
      expect(exported.text).toContain('inputs: input float32[N, 1, 28, 28]');
      expect(exported.metrics!.max_abs_diff).toBeLessThan(1e-5);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
      rmSync(path.join(path.dirname(example), 'out', 'transfer-digits.onnx'), { force: true });
    }
  }, 200_000);
});
