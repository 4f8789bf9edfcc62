/**
 * eval.compare on the text-spam example's split: TF-IDF + logistic regression and BPE tokens +
 * Transformer, each learner carrying its own text preparation. In mode test its scores must be those
 * eval.classification gives the learner nodes' own fitted models on their own datasets; in mode cv,
 * fold by fold those of eval.compare run on each learner's own prepared dataset (where the fold refits
 * that dataset's steps), and a learner trained on another split is refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeId, type MetricsValue, type PipelineDocument } from '../../../../../core/common';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';

const root = path.resolve(import.meta.dirname, '../../../../..');
const example = path.join(root, 'resources/examples/text-spam.weft.json');
const dir = mkdtempSync(path.join(tmpdir(), 'weft-text-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = PipelineDocument;

function edge(from: string, to: string): Doc['edges'][number] {
  const [sn, sp] = from.split('.') as [string, string];
  const [tn, tp] = to.split('.') as [string, string];
  const e = { source: { node: sn, port: sp }, target: { node: tn, port: tp } };
  return { id: edgeId(e), ...e };
}

function node(id: string, type: string, params: Record<string, unknown>): Doc['nodes'][number] {
  return { id, type, version: 1, params, position: { x: 0, y: 0 } };
}

/** The example, smaller and faster (120 mails, 2 epochs), without its export, with the comparison nodes given. */
function exampleWith(nodes: Doc['nodes'], edges: [string, string][]): Doc {
  const doc = JSON.parse(readFileSync(example, 'utf8')) as Doc;
  for (const n of doc.nodes) {
    if (n.type === 'data.text') n.params.maxPerClass = 60;
    if (n.type === 'train.trainer') n.params.epochs = 2;
  }
  const drop = new Set(['export', 'compare']);
  return {
    ...doc,
    nodes: [...doc.nodes.filter((n) => !drop.has(n.id)), ...nodes],
    edges: [...doc.edges.filter((e) => !drop.has(e.target.node)), ...edges.map(([a, b]) => edge(a, b))],
  };
}

async function run(doc: Doc) {
  const engine = createDefaultEngine(dir);
  const outcome = await engine.run(doc, { baseDir: path.dirname(example), workspace: dir });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
  return outcome;
}

const SCORES = ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc', 'log_loss'] as const;

describe('eval.compare on raw text with learners that carry their text preparation', () => {
  it('mode test: each learner scores as eval.classification scores its node’s own model on the test rows', async () => {
    const outcome = await run(
      exampleWith(
        [
          node('compare', 'eval.compare', { mode: 'test' }),
          node('m_logistic', 'eval.classification', { split: 'test' }),
          node('m_train', 'eval.classification', { split: 'test' }),
        ],
        [
          ['logistic.learner', 'compare.learner1'],
          ['train.learner', 'compare.learner2'],
          ['split.dataset', 'compare.data'],
          ['logistic.model', 'm_logistic.model'],
          ['tfidf.dataset', 'm_logistic.data'],
          ['train.model', 'm_train.model'],
          ['tokens.dataset', 'm_train.data'],
        ],
      ),
    );
    for (const [id, r] of Object.entries(outcome.report.nodes)) expect(r.error ?? r.status, id).toBe('done');
    const c = ((await outcome.load('compare'))!.outputs.metrics as MetricsValue).comparison!;
    expect(c.learners.map((l) => l.id)).toEqual(['logistic', 'train']);
    for (const [l, evalNode] of [
      [c.learners[0], 'm_logistic'],
      [c.learners[1], 'm_train'],
    ] as const) {
      const own = (await outcome.load(evalNode))!.outputs.metrics as MetricsValue;
      for (const m of SCORES) expect(l.scores[m].folds, `${l.id} ${m}`).toEqual([own.scalars[m]]);
      expect(l.confusion).toEqual(own.confusion);
      expect(own.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(18);
    }
  }, 300_000);

  it('mode cv: fold by fold the scores of eval.compare on each learner’s own dataset; another split is refused', async () => {
    const outcome = await run(
      exampleWith(
        [
          node('compare', 'eval.compare', { mode: 'cv', folds: 3 }),
          node('own_tfidf', 'eval.compare', { mode: 'cv', folds: 3 }),
          node('own_tokens', 'eval.compare', { mode: 'cv', folds: 3 }),
          node('split2', 'prep.split', {
            target: 'label',
            task: 'classification',
            features: ['text'],
            train: 0.7,
            validation: 0.15,
            test: 0.15,
            seed: 7,
          }),
          node('other_split', 'eval.compare', { mode: 'test' }),
        ],
        [
          ['logistic.learner', 'compare.learner1'],
          ['train.learner', 'compare.learner2'],
          ['split.dataset', 'compare.data'],
          ['logistic.learner', 'own_tfidf.learner1'],
          ['tfidf.dataset', 'own_tfidf.data'],
          ['train.learner', 'own_tokens.learner1'],
          ['tokens.dataset', 'own_tokens.data'],
          ['text.table', 'split2.table'],
          ['logistic.learner', 'other_split.learner1'],
          ['split2.dataset', 'other_split.data'],
        ],
      ),
    );
    const report = outcome.report.nodes;
    for (const id of ['compare', 'own_tfidf', 'own_tokens'])
      expect(report[id]?.error ?? report[id]?.status, id).toBe('done');
    const c = ((await outcome.load('compare'))!.outputs.metrics as MetricsValue).comparison!;
    for (const [l, own] of [
      [c.learners[0], 'own_tfidf'],
      [c.learners[1], 'own_tokens'],
    ] as const) {
      const o = ((await outcome.load(own))!.outputs.metrics as MetricsValue).comparison!.learners[0];
      expect(l.scores.accuracy.folds).toHaveLength(3);
      for (const m of SCORES) expect(l.scores[m].folds, `${l.id} ${m}`).toEqual(o.scores[m].folds);
    }
    expect(report.other_split?.status).toBe('failed');
    expect(report.other_split?.error).toMatch(
      /eval\.compare \(other_split\): logistic \(learner1\) was trained on data that does not come from the compared dataset: its train split holds other rows than the compared dataset's \(both \d+; another split or seed\)/,
    );
  }, 300_000);
});
