/** A digits model trained in Weft as a TrainedModel value, for the compression bench and tests. */
import type { DatasetValue, TrainedModelValue } from '../../core/common';
import { buildInferenceGraph, resolveSpec } from '../../core/common/model';
import { trainLoop } from '../../core/node/training/trainLoop';
import { cnnSpec, mlpSpec } from '../models';
import type { DigitsSplit } from './digitsIdx';

/** The digits split as a Dataset of `[1, 28, 28]` images. */
export function digitsDataset(data: { train: DigitsSplit; test: DigitsSplit }): DatasetValue {
  return {
    task: 'classification',
    featureShape: [1, 28, 28],
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    transforms: [],
    splits: { train: data.train, test: data.test },
  };
}

/** Trains the bench CNN (or MLP) with the recipe of bench/digits/parity.ts: Adam 1e-3, batch 64, one thread. */
export async function trainedDigitsModel(
  kind: 'mlp' | 'cnn',
  data: { train: DigitsSplit; test: DigitsSplit },
  opts: { epochs: number; seed: number },
): Promise<TrainedModelValue> {
  const spec = kind === 'mlp' ? mlpSpec : cnnSpec;
  const model = resolveSpec(spec, { featureShape: [1, 28, 28], outputUnits: 10 });
  const r = await trainLoop({
    model,
    task: 'classification',
    train: data.train,
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', epsilon: 1e-8 },
    epochs: opts.epochs,
    batchSize: 64,
    lr: 1e-3,
    schedule: { kind: 'constant' },
    shuffle: true,
    seed: opts.seed,
    monitor: 'loss',
    patience: 0,
    minDelta: 0,
    restoreBest: false,
    provider: 'cpu',
    threads: 1,
  });
  return {
    task: 'classification',
    featureShape: [1, 28, 28],
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    transforms: [],
    onnx: buildInferenceGraph(model, r.params, { task: 'classification' }),
    inputName: 'input',
    outputName: 'output',
    spec: null,
    weights: {},
    history: r.history,
    provider: r.provider,
    trainParams: { epochs: opts.epochs, batchSize: 64, lr: 1e-3, seed: opts.seed },
  };
}
