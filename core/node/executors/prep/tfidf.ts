import type { DatasetValue } from '../../../common';
import { fitTfidf, type TfidfParams } from '../../../common/nodes/prep/fitTfidf';
import { refuseLazy } from '../../data/splitRows';
import type { Executor } from '../Executor';
import { asUserError } from './asUserError';

export const tfidfExecutor: Executor<TfidfParams> = async (ctx) => {
  const input = ctx.inputs.dataset as DatasetValue;
  refuseLazy(input, ctx.nodeId, 'prep.tfidf');
  const { dataset, fitted } = asUserError(ctx.nodeId, () => fitTfidf(input, ctx.params));
  const train = dataset.splits.train;
  const nnz = train.sparse?.indptr[train.n] ?? 0;
  const parts = fitted.map((t) => {
    const empty = t.emptyDocuments ? `, ${t.emptyDocuments} empty training documents kept as zero rows` : '';
    return `'${t.column}': ${t.vocabulary.length} terms (${t.analyzer} ${t.ngramRange.join('-')}-grams)${empty}`;
  });
  for (const t of fitted)
    if (t.emptyDocuments)
      ctx.log(
        `${t.emptyDocuments} training document${t.emptyDocuments > 1 ? 's' : ''} in '${t.column}' ${t.emptyDocuments > 1 ? 'hold' : 'holds'} no terms; kept as zero rows`,
        'warn',
      );
  for (const t of fitted)
    if (t.maxFeatures !== null && t.vocabulary.length < t.maxFeatures)
      ctx.log(
        `'${t.column}': maxFeatures ${t.maxFeatures} is more than the training split gives after minDf and maxDf ` +
          `(${t.vocabulary.length} terms); all are kept`,
        'info',
      );
  const cols = dataset.featureShape[0] ?? 0;
  return {
    outputs: { dataset },
    summary: {
      text:
        `TF-IDF fitted on ${train.n} training documents: ${parts.join('; ')}; ` +
        `${nnz} non-zeros in train (${((100 * nnz) / Math.max(1, train.n * cols)).toFixed(2)}% dense)`,
      metrics: { vocabulary: cols, nonzeros_train: nnz },
    },
  };
};
