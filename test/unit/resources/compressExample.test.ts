import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWeft } from '../../fixtures/runWeft';

const example = path.resolve(import.meta.dirname, '../../../resources/examples/compress-digits.weft.json');

interface Summary {
  metrics?: Record<string, number>;
}

describe('resources/examples/compress-digits.weft.json', () => {
  it('weft run distils the CNN teacher, prunes the student to a smaller file, fine-tunes it and quantises it to int8, and reports all four side by side', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'weft-compress-'));
    try {
      const run = runWeft(['run', example, '--workspace', workspace, '--no-cache', '--json'], { timeoutMs: 280_000 });
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { status: string; nodes: Record<string, { summary?: Summary }> };
      expect(out.status).toBe('finished');
      const prune = out.nodes.prune.summary!.metrics!;
      expect(prune.parameters_after).toBeLessThan(0.55 * prune.parameters_before);
      expect(prune.bytes_after).toBeLessThan(prune.bytes_before);
      expect(prune.batch1_ms_after).toBeGreaterThan(0);
      expect(prune.accuracy_before).toBeGreaterThan(0.85);
      const acc = (id: string): number => out.nodes[id].summary!.metrics!.accuracy;
      expect(acc('eval_teacher')).toBeGreaterThan(0.9);
      expect(acc('eval_student')).toBeGreaterThan(0.85);
      expect(acc('eval_pruned')).toBeGreaterThan(0.85);
      // Static int8 of the fine-tuned student: smaller, the same accuracy within a point, batch-independent.
      const int8 = out.nodes.int8.summary!.metrics!;
      expect(int8.int8_bytes).toBeLessThan(int8.float_bytes);
      expect(Math.abs(int8.accuracy_change)).toBeLessThanOrEqual(0.01);
      expect(int8.batch_dependence).toBe(0);
      expect(int8.float_accuracy).toBeCloseTo(acc('eval_pruned'), 12);
      expect(acc('eval_int8')).toBeCloseTo(int8.int8_accuracy, 12);
      // The compression report: the same accuracies as the eval nodes, the same sizes as opt.prune and opt.quantize.
      const report = out.nodes.report.summary!.metrics!;
      const pairs = [
        ['train_teacher', 'eval_teacher'],
        ['distill', 'eval_student'],
        ['finetune', 'eval_pruned'],
        ['int8', 'eval_int8'],
      ];
      for (const [model, evalNode] of pairs) expect(report[`${model}.accuracy`]).toBeCloseTo(acc(evalNode), 12);
      expect(report['distill.parameters']).toBe(prune.parameters_before);
      expect(report['finetune.parameters']).toBe(prune.parameters_after);
      expect(report['int8.parameters']).toBe(prune.parameters_after);
      expect(report['finetune.bytes']).toBe(int8.float_bytes);
      expect(report['int8.bytes']).toBe(int8.int8_bytes);
      expect(report['train_teacher.parameters']).toBeGreaterThan(4 * report['distill.parameters']);
      for (const m of ['train_teacher', 'distill', 'finetune', 'int8'])
        expect(report[`${m}.batch256_ms`]).toBeGreaterThan(report[`${m}.batch1_ms`]);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }, 300_000);
});
