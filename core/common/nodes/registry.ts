import type { NodeRegistry } from './NodeDefinition';
import { csvNode } from './data/csv';
import { idxNode } from './data/idx';
import { imagesNode } from './data/images';
import { npyNode } from './data/npy';
import { jsonNode } from './data/json';
import { splitNode } from './prep/split';
import { augmentNode } from './prep/augment';
import { imputeNode } from './prep/impute';
import { minmaxNode } from './prep/minmax';
import { onehotNode } from './prep/onehot';
import { ordinalNode } from './prep/ordinal';
import { tfidfNode } from './prep/tfidf';
import { selectNode } from './prep/select';
import { shuffleNode } from './prep/shuffle';
import { standardizeNode } from './prep/standardize';
import { tokenizeNode } from './prep/tokenize';
import { textNode } from './data/text';
import { windowNode } from './prep/window';
import { evalAnomaly } from './eval/anomaly';
import { evalClassification } from './eval/classification';
import { evalCompare } from './eval/compare';
import { evalCompression } from './eval/compression';
import { evalImportance } from './eval/importance';
import { evalPredict } from './eval/predict';
import { evalRegression } from './eval/regression';
import { exportOnnxNode } from './export/onnx';
import { exportTfjsNode } from './export/tfjs';
import { deployRepositoryNode } from './deploy/repository';
import { optQuantizeNode } from './opt/quantize';
import { onnxModelNode } from './model/onnx';
import { layerNodes } from './layer';
import { inputNode } from './layer/input';
import { cnnNode } from './model/cnn';
import { mlpNode } from './model/mlp';
import { trainerNode } from './train/trainer';
import { genSampleNode } from './gen/sample';
import { pruneNode } from './opt/prune';
import { tuneSearch } from './tune/search';
import { linearNode } from './ml/linear';
import { logisticNode } from './ml/logistic';
import { treeNode } from './ml/tree';
import { forestNode } from './ml/forest';
import { boostingNode } from './ml/boosting';
import { knnNode } from './ml/knn';
import { naiveBayesNode } from './ml/naive_bayes';
import { svmNode } from './ml/svm';

/**
 * Every built-in node type, keyed by `type`. An explicit literal: a node exists in the palette,
 * the CLI and the engine exactly when it is listed here.
 */
export const builtinNodes = {
  'data.csv': csvNode,
  'data.idx': idxNode,
  'data.images': imagesNode,
  'data.npy': npyNode,
  'data.json': jsonNode,
  'data.text': textNode,
  'prep.split': splitNode,
  'prep.standardize': standardizeNode,
  'prep.window': windowNode,
  'prep.minmax': minmaxNode,
  'prep.impute': imputeNode,
  'prep.onehot': onehotNode,
  'prep.ordinal': ordinalNode,
  'prep.tfidf': tfidfNode,
  'prep.select': selectNode,
  'prep.shuffle': shuffleNode,
  'prep.augment': augmentNode,
  'prep.tokenize': tokenizeNode,
  'eval.classification': evalClassification,
  'eval.regression': evalRegression,
  'eval.predict': evalPredict,
  'eval.compare': evalCompare,
  'eval.compression': evalCompression,
  'eval.importance': evalImportance,
  'eval.anomaly': evalAnomaly,
  'gen.sample': genSampleNode,
  'export.onnx': exportOnnxNode,
  'export.tfjs': exportTfjsNode,
  'deploy.repository': deployRepositoryNode,
  'opt.quantize': optQuantizeNode,
  'model.onnx': onnxModelNode,
  'model.mlp': mlpNode,
  'model.cnn': cnnNode,
  'train.trainer': trainerNode,
  'opt.prune': pruneNode,
  'tune.search': tuneSearch,
  'ml.linear': linearNode,
  'ml.logistic': logisticNode,
  'ml.tree': treeNode,
  'ml.forest': forestNode,
  'ml.boosting': boostingNode,
  'ml.knn': knnNode,
  'ml.naive_bayes': naiveBayesNode,
  'ml.svm': svmNode,
  'layer.input': inputNode,
  ...layerNodes,
} satisfies NodeRegistry;
