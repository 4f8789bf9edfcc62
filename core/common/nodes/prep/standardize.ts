import { defineNode } from '../NodeDefinition';
import { scaleParams } from './fitScaler';

export const standardizeNode = defineNode({
  type: 'prep.standardize',
  version: 1,
  title: 'Standardize',
  category: 'Preprocess',
  doc: 'Scales numeric features to zero mean and unit variance, with the mean and standard deviation of the training split only.',
  keywords: ['normalize', 'normalise', 'scale', 'z-score', 'StandardScaler'],
  inputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  params: scaleParams,
});
