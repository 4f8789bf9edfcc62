import { defineNode } from '../NodeDefinition';
import { datasetIo, onehotParams } from './fitEncoder';

export const onehotNode = defineNode({
  type: 'prep.onehot',
  version: 1,
  title: 'One-Hot Encode',
  category: 'Preprocess',
  doc: 'One column per category seen in the training split; unseen categories give all zeros or an error.',
  keywords: ['dummy', 'categorical', 'encode', 'OneHotEncoder'],
  ...datasetIo,
  params: onehotParams,
});
