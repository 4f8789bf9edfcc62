/**
 * The model compiler: model IR → ONNX (opset 17, standard ai.onnx ops only).
 *
 * CONTRACT (the trainer codes against this; changes are noted here):
 *
 * 1. `resolveSpec(spec, { featureShape, outputUnits })` → ResolvedModel. `spec` is the
 *    ModelSpecValue on ModelSpec ports; `outputUnits` fills Dense `units: 'auto'`. Use
 *    `outputUnitsFor(loss, classes, targetDim)` (cross-entropy: classes; binary cross-entropy with
 *    2 classes: 1; regression: targetDim). Throws ModelShapeError naming the layer and shapes.
 * 2. `initParams(resolved, seed)` → `{ names, shapes, values }` (Keras defaults: Glorot-uniform
 *    kernels, zero biases; deterministic per seed). `packParams(values)` gives the flat vector;
 *    `initBuffers(resolved)` the flat BatchNorm running stats (empty when there is no BatchNorm).
 * 3. `buildTrainingGraph(resolved, { loss, optimizer: { kind, ... }, weightDecay?, clipNorm?,
 *    labelSmoothing?, classWeights?, seed?, rewrites? })` → TrainingGraph (`rewrites` switches off
 *    rewrites of the reverse pass, e.g. `noRewrites` for the plain gradient rules):
 *      feeds:  `input` float32 [batch, ...featureShape]
 *              `labels` int32 [batch] (classification losses) or float32 [batch, units] (regression)
 *              every `carried[k].input` (float32 [size]): `params` (packed params), `opt_<slot>`
 *                (optimizer slots, zeros at start), `buffers` (BatchNorm stats, initBuffers)
 *              every name in `scalarInputs` as a float32 scalar (dims []): values from
 *                `trainingScalars(graph, step, lr)` with step = 1, 2, ... (Adam bias corrections)
 *      fetch:  `loss` (scalar mean over the batch), `correct` (scalar count, classification),
 *              and every `carried[k].output`: feed it back as `carried[k].input` next step.
 *    The batch dimension is symbolic: a last partial batch just works. Dropout uses onnxruntime's
 *    Dropout op with a seed derived from `seed` (reproducible for a fresh session), and so does
 *    `layer.sampling`'s RandomNormalLike. `target: 'input'` (autoencoders) feeds no `labels`: the
 *    loss compares the output with the input, summed over each sample's values, plus any terms
 *    layers add (a VAE's β·KL).
 * 4. `buildInferenceGraph(resolved, params, { task, loss?, buffers? })` → ONNX bytes with the
 *    weights as initializers; `params` is the flat `params_out` vector or per-parameter arrays.
 *    Input `input` float32 [batch, ...featureShape]; output `output`: softmax probabilities
 *    [batch, classes] (binary cross-entropy with one logit: [1 − p, p]) or values [batch, units].
 *    Pass `buffers` (the last `buffers_out`) for models with BatchNorm.
 *    Options `distill: { temperature, alpha }` (feed `teacher_logits` float32 [batch, units]) and
 *    `masked: true` (feed `mask` float32 [P], 1 keeps a parameter, 0 prunes it) add one feed each.
 * 5. `unpackParams(resolved, flat)` → per-parameter arrays (TrainedModelValue.weights by name).
 */
export * from './ir';
export { resolveSpec } from './resolveSpec';
export { initParams, initBuffers, packParams, unpackParams } from './initParams';
export { buildTrainingGraph, trainingScalars } from './buildTrainingGraph';
export type { TrainingConfig, TrainingGraph } from './buildTrainingGraph';
export { noRewrites } from './graph/rewrites/rewrites';
export type { RewriteOptions } from './graph/rewrites/rewrites';
export { buildInferenceGraph } from './buildInferenceGraph';
export { splitAutoencoder } from './splitAutoencoder';
export { outputUnitsFor, isClassificationLoss } from './losses';
export type { LossKind } from './losses';
export type { OptimizerConfig } from './optimizers';
