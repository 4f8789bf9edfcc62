import type { DatasetValue } from '../../../common';
import { fitTokenizer, tokenizePreview } from '../../../common/nodes/prep/fitTokenizer';
import type { TokenizeNodeParams } from '../../../common/nodes/prep/tokenize';
import { refuseLazy } from '../../data/splitRows';
import type { Executor } from '../Executor';
import { asUserError } from './asUserError';

export const tokenizeExecutor: Executor<TokenizeNodeParams> = async (ctx) => {
  const input = ctx.inputs.dataset as DatasetValue;
  refuseLazy(input, ctx.nodeId, 'tokenizing');
  const fit = asUserError(ctx.nodeId, () => fitTokenizer(input, ctx.params));
  for (const w of fit.warnings) ctx.log(w, 'warn');
  const ids = fit.fitted.reduce((m, t) => Math.max(m, t.vocab.length + 2), 0);
  ctx.log(`set layer.embedding vocabSize to at least ${ids} (the ids this vocabulary uses)`, 'info');
  const cov = fit.coverage[0];
  return {
    outputs: { dataset: fit.dataset, preview: tokenizePreview(fit) },
    summary: {
      text:
        fit.fitted.map((t) => `${t.column}: ${t.mode}, ${t.vocab.length + 2} ids, length ${t.maxLength}`).join('; ') +
        (cov ? `; ${(100 * cov.tokens).toFixed(1)}% of ${cov.split} tokens known` : ''),
      metrics: {
        vocabulary: ids,
        ...(cov
          ? { [`${cov.split}_coverage`]: cov.tokens, [`${cov.split}_truncated`]: cov.truncatedRows / cov.rows }
          : {}),
      },
    },
  };
};
