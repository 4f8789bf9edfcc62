import { csvExecutor } from './data/csv';
import { idxExecutor } from './data/idx';
import { imagesExecutor } from './data/images';
import { npyExecutor } from './data/npy';
import { jsonExecutor } from './data/json';
import type { ExecutorsFor } from './Executor';
import { splitExecutor } from './prep/split';
import { windowExecutor } from './prep/window';
import { augmentExecutor } from './prep/augment';
import { imputeExecutor } from './prep/impute';
import { minmaxExecutor } from './prep/minmax';
import { onehotExecutor } from './prep/onehot';
import { ordinalExecutor } from './prep/ordinal';
import { tfidfExecutor } from './prep/tfidf';
import { selectExecutor } from './prep/select';
import { shuffleExecutor } from './prep/shuffle';
import { standardizeExecutor } from './prep/standardize';
import { tokenizeExecutor } from './prep/tokenize';
import { textExecutor } from './data/text';
import { evalClassificationExecutor } from './eval/classification';
import { evalCompareExecutor } from './eval/compare';
import { evalCompressionExecutor } from './eval/compression';
import { evalImportanceExecutor } from './eval/importance';
import { evalAnomalyExecutor } from './eval/anomaly';
import { evalPredictExecutor } from './eval/predict';
import { evalRegressionExecutor } from './eval/regression';
import { exportOnnxExecutor } from './export/onnx';
import { genSampleExecutor } from './gen/sample';
import { exportTfjsExecutor } from './export/tfjs';
import { deployRepositoryExecutor } from './deploy/repository';
import { optQuantizeExecutor } from './opt/quantize';
import { onnxModelExecutor } from './model/onnx';
import { layerNodes } from '../../common/nodes/layer';
import type { builtinNodes } from '../../common/nodes/registry';
import { inputExecutor } from './layer/input';
import { layerExecutors } from './layer/layerExecutor';
import { onnxLayerExecutor } from './layer/onnx';
import { cnnExecutor } from './model/cnn';
import { mlpExecutor } from './model/mlp';
import { trainerExecutor } from './train/trainer';
import { pruneExecutor } from './opt/prune';
import { searchExecutor } from './tune/search';
import { linearExecutor } from './ml/linear';
import { logisticExecutor } from './ml/logistic';
import { treeExecutor } from './ml/tree';
import { forestExecutor } from './ml/forest';
import { boostingExecutor } from './ml/boosting';
import { knnExecutor } from './ml/knn';
import { naiveBayesExecutor } from './ml/naive_bayes';
import { svmExecutor } from './ml/svm';

/**
 * One executor per built-in node type: the compiler refuses a registered type without one, an executor
 * for an unregistered type, and params that differ from the definition's; `test/unit/core/node/registry.test.ts`
 * checks the keys and file names at run time.
 */
export const builtinExecutors = {
  'data.csv': csvExecutor,
  'data.idx': idxExecutor,
  'data.images': imagesExecutor,
  'data.npy': npyExecutor,
  'data.json': jsonExecutor,
  'data.text': textExecutor,
  'prep.split': splitExecutor,
  'prep.window': windowExecutor,
  'prep.standardize': standardizeExecutor,
  'prep.minmax': minmaxExecutor,
  'prep.impute': imputeExecutor,
  'prep.onehot': onehotExecutor,
  'prep.ordinal': ordinalExecutor,
  'prep.tfidf': tfidfExecutor,
  'prep.select': selectExecutor,
  'prep.shuffle': shuffleExecutor,
  'prep.augment': augmentExecutor,
  'prep.tokenize': tokenizeExecutor,
  'eval.classification': evalClassificationExecutor,
  'eval.regression': evalRegressionExecutor,
  'eval.predict': evalPredictExecutor,
  'eval.compare': evalCompareExecutor,
  'eval.compression': evalCompressionExecutor,
  'eval.importance': evalImportanceExecutor,
  'eval.anomaly': evalAnomalyExecutor,
  'gen.sample': genSampleExecutor,
  'export.onnx': exportOnnxExecutor,
  'export.tfjs': exportTfjsExecutor,
  'deploy.repository': deployRepositoryExecutor,
  'opt.quantize': optQuantizeExecutor,
  'model.onnx': onnxModelExecutor,
  'model.mlp': mlpExecutor,
  'model.cnn': cnnExecutor,
  'train.trainer': trainerExecutor,
  'opt.prune': pruneExecutor,
  'tune.search': searchExecutor,
  'ml.linear': linearExecutor,
  'ml.logistic': logisticExecutor,
  'ml.tree': treeExecutor,
  'ml.forest': forestExecutor,
  'ml.boosting': boostingExecutor,
  'ml.knn': knnExecutor,
  'ml.naive_bayes': naiveBayesExecutor,
  'ml.svm': svmExecutor,
  'layer.input': inputExecutor,
  ...layerExecutors(layerNodes),
  'layer.onnx': onnxLayerExecutor,
} satisfies ExecutorsFor<typeof builtinNodes>;
