import { defineNode } from '../NodeDefinition';
import { datasetIo } from './fitEncoder';
import { tfidfParams } from './fitTfidf';

export const tfidfNode = defineNode({
  type: 'prep.tfidf',
  version: 1,
  title: 'TF-IDF',
  category: 'Preprocess',
  doc:
    'Turns a text column into word or character n-gram TF-IDF features (char_wb: character n-grams inside word ' +
    "boundaries), as scikit-learn's TfidfVectorizer, with the vocabulary " +
    'and document frequencies of the training split only. The features are stored sparse; ml.logistic, ' +
    'ml.svm (linear) and ml.naive_bayes (multinomial) read them as they are. Word n-grams export into the ONNX graph ' +
    '(it takes raw strings); character n-grams (char, char_wb) export as a feature-vector input.',
  keywords: ['text', 'bag of words', 'tf-idf', 'TfidfVectorizer', 'CountVectorizer', 'n-gram', 'vocabulary'],
  ...datasetIo,
  params: tfidfParams,
  basic: ['columns', 'analyzer', 'ngramRange', 'stopWords', 'minDf', 'maxDf', 'maxFeatures', 'sublinearTf'],
});
