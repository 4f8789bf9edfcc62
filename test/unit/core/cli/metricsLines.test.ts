import { describe, expect, it } from 'vitest';
import { metricsLines } from '../../../../core/cli/metricsLines';
import { pipeline } from '../../../fixtures/pipelineBuilder';

describe('weft run metrics lines', () => {
  it('prints the report of an opt.* (compression) node with its split', () => {
    const doc = pipeline([{ id: 'prune', type: 'opt.prune' }], []);
    const lines = metricsLines(doc, {
      prune: {
        status: 'done',
        durationMs: 1,
        cached: false,
        summary: { metrics: { parameters_before: 10, parameters_after: 5 } },
      },
    });
    expect(lines).toEqual(['prune: parameters_before=10 parameters_after=5 (split test)']);
  });

  it('prints one line per eval node with metrics, sink or not, in document order with its split', () => {
    const doc = pipeline(
      [
        { id: 'split', type: 'prep.split' },
        { id: 'score', type: 'eval.classification' },
        { id: 'reg', type: 'eval.regression', params: { split: 'validation' } },
        { id: 'export', type: 'export.onnx' },
      ],
      ['score.metrics->export.metrics'],
    );
    const done = { status: 'done' as const, durationMs: 1, cached: false };
    const lines = metricsLines(doc, {
      split: { ...done, summary: { text: 'classification' } },
      export: { ...done, summary: { metrics: { max_abs_diff: 0 } } },
      reg: { ...done, summary: { metrics: { r2: 0.5, mse: 2 } } },
      score: { ...done, summary: { metrics: { accuracy: 0.9667 } } },
    });
    expect(lines).toEqual(['score: accuracy=0.9667 (split test)', 'reg: r2=0.5 mse=2 (split validation)']);
  });
});
