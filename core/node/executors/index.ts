import { csvExecutor } from './data/csv';
import { idxExecutor } from './data/idx';
import type { ExecutorRegistry } from './Executor';
import { splitExecutor } from './prep/split';
import { imputeExecutor } from './prep/impute';
import { minmaxExecutor } from './prep/minmax';
import { onehotExecutor } from './prep/onehot';
import { ordinalExecutor } from './prep/ordinal';
import { selectExecutor } from './prep/select';
import { shuffleExecutor } from './prep/shuffle';
import { standardizeExecutor } from './prep/standardize';
import { evalClassificationExecutor } from './eval/classification';
import { evalPredictExecutor } from './eval/predict';
import { evalRegressionExecutor } from './eval/regression';
import { exportOnnxExecutor } from './export/onnx';
import { exportTfjsExecutor } from './export/tfjs';

/** One executor per built-in node type; `test/unit/core/node/registry.test.ts` checks none is missing. */
export const builtinExecutors = {
  'data.csv': csvExecutor,
  'data.idx': idxExecutor,
  'prep.split': splitExecutor,
  'prep.standardize': standardizeExecutor,
  'prep.minmax': minmaxExecutor,
  'prep.impute': imputeExecutor,
  'prep.onehot': onehotExecutor,
  'prep.ordinal': ordinalExecutor,
  'prep.select': selectExecutor,
  'prep.shuffle': shuffleExecutor,
  'eval.classification': evalClassificationExecutor,
  'eval.regression': evalRegressionExecutor,
  'eval.predict': evalPredictExecutor,
  'export.onnx': exportOnnxExecutor,
  'export.tfjs': exportTfjsExecutor,
} satisfies ExecutorRegistry;
