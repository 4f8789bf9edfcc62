/** The two reference models of the training bench and the digits parity check, as model IR. */
import type { ModelSpecValue } from '../core/common/model';

/** MLP 784-128-64-10 (ReLU), on `[1, 28, 28]` images. */
export const mlpSpec: ModelSpecValue = {
  format: 'weft.model',
  name: 'mlp 784-128-64-10',
  output: 'out',
  nodes: [
    { id: 'flat', layer: { kind: 'flatten' }, inputs: ['input'] },
    { id: 'dense1', layer: { kind: 'dense', units: 128, activation: 'relu' }, inputs: ['flat'] },
    { id: 'dense2', layer: { kind: 'dense', units: 64, activation: 'relu' }, inputs: ['dense1'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: ['dense2'] },
  ],
};

/** conv3x3x16, maxpool2, conv3x3x32, maxpool2, dense10 (valid padding, ReLU), as PyTorch's reference. */
export const cnnSpec: ModelSpecValue = {
  format: 'weft.model',
  name: 'small cnn',
  output: 'out',
  nodes: [
    { id: 'conv1', layer: { kind: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' }, inputs: ['input'] },
    { id: 'pool1', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['conv1'] },
    { id: 'conv2', layer: { kind: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' }, inputs: ['pool1'] },
    { id: 'pool2', layer: { kind: 'maxpool2d', poolSize: 2 }, inputs: ['conv2'] },
    { id: 'flat', layer: { kind: 'flatten' }, inputs: ['pool2'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: ['flat'] },
  ],
};

/** Embedding(5000, 128) → LSTM or GRU(128), last state → Dense: the text-sequence bench's recurrent model, on `[64]` token ids. */
export const recurrentSpec = (kind: 'lstm' | 'gru'): ModelSpecValue => ({
  format: 'weft.model',
  name: `embedding-${kind}`,
  output: 'out',
  nodes: [
    { id: 'emb', layer: { kind: 'embedding', vocabSize: 5000, dim: 128 }, inputs: ['input'] },
    { id: kind, layer: { kind, units: 128 }, inputs: ['emb'] },
    { id: 'out', layer: { kind: 'dense', units: 'auto', activation: 'softmax' }, inputs: [kind] },
  ],
});
