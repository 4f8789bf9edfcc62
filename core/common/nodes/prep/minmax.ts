import { defineNode } from '../NodeDefinition';
import { scaleParams } from './fitScaler';

export const minmaxNode = defineNode({
  type: 'prep.minmax',
  version: 1,
  title: 'Min-Max Scale',
  category: 'Preprocess',
  doc: 'Scales numeric features to [0, 1] with the minimum and maximum of the training split only.',
  keywords: ['normalize', 'normalise', 'scale', 'rescale', 'MinMaxScaler'],
  inputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  params: scaleParams,
});
