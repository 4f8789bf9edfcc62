import { cnnSpec, mlpSpec } from '../../../../../bench/models';
import type { ModelSpecValue, TrainingConfig } from '../../../../../core/common/model';
import { buildTrainingGraph, resolveSpec } from '../../../../../core/common/model';
import { decodeModel } from '../../../../../core/common/model/onnx/decodeModel';

/** Node count and per-op-type counts of a training-step graph. */
export interface OpHistogram {
  nodes: number;
  ops: Record<string, number>;
}

/** The training-step graph the training bench builds (trainLoop's config: Adam, cross-entropy). */
export function benchStepHistogram(spec: ModelSpecValue, extra: Partial<TrainingConfig> = {}): OpHistogram {
  const model = resolveSpec(spec, { featureShape: [1, 28, 28], outputUnits: 10 });
  const g = buildTrainingGraph(model, {
    loss: 'cross_entropy',
    optimizer: { kind: 'adam' },
    weightDecay: 0,
    clipNorm: 0,
    labelSmoothing: 0,
    seed: 1,
    ...extra,
  });
  const nodes = decodeModel(g.onnx).graph.nodes;
  const ops: Record<string, number> = {};
  for (const n of nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
  const sorted = Object.fromEntries(Object.entries(ops).sort(([a], [b]) => a.localeCompare(b)));
  return { nodes: nodes.length, ops: sorted };
}

export const benchSpecs = { mlp: mlpSpec, cnn: cnnSpec };
