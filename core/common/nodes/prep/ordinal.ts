import { defineNode } from '../NodeDefinition';
import { datasetIo, ordinalParams } from './fitEncoder';

export const ordinalNode = defineNode({
  type: 'prep.ordinal',
  version: 1,
  title: 'Ordinal Encode',
  category: 'Preprocess',
  doc: 'Replaces each category with its index among the training split’s sorted categories; unseen ones get the unknown code.',
  ...datasetIo,
  params: ordinalParams,
});
