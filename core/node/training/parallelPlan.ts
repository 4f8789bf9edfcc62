import { availableParallelism } from 'node:os';
import type { ResolvedModel, ResolvedNode } from '../../common/model';

/** Rows each worker needs at least for a data-parallel step. */
export const MIN_ROWS_PER_WORKER = 16;
/**
 * Forward multiply-adds per worker and step below which a batch is not split: the hand-off between
 * threads (tens of microseconds a step) would cost more than the slice saves. 10⁶ forward MACs are
 * about 6 MFLOP of training, 0.1–0.15 ms on one core.
 */
export const MIN_MACS_PER_WORKER = 1_000_000;
/**
 * The same floor when the trainer chooses (`threads: 0`). Measured on a 2-core machine
 * (onnxruntime-node 1.30, batch 128, two one-thread workers against one session): the bench MLP,
 * about 4.8·10⁶ forward MACs per slice, trained at 0.89–0.96× the one-session rate, while the bench
 * CNN, about 4·10⁷ per slice, trained at 1.26–1.67×. Below this floor auto keeps one session.
 */
export const AUTO_MIN_MACS_PER_WORKER = 16_000_000;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Multiply-adds of one node's forward pass on one sample, counted from its weight matrices and
 * kernels: each weight is used once per output position (every pixel of a convolution's output,
 * every step of a sequence the layer returns).
 */
export function nodeMacs(node: ResolvedNode): number {
  const out = node.outShape;
  let macs = 0;
  for (const p of node.params) {
    if (p.shape.length < 2) continue;
    const positions = p.shape.length >= 3 ? size(out.slice(1)) : size(out) / (out.at(-1) ?? 1);
    macs += size(p.shape) * Math.max(1, positions);
  }
  return macs;
}

/** Multiply-adds of one sample's forward pass (`nodeMacs` summed over the model). */
export function forwardMacs(model: ResolvedModel): number {
  return model.nodes.reduce((sum, node) => sum + nodeMacs(node), 0);
}

export interface ParallelPlanInput {
  /** The trainer's `threads`: 0 = choose, 1 = one session on one thread, n = n threads. */
  threads: number;
  batchSize: number;
  /** Forward multiply-adds per sample (`forwardMacs`). */
  macsPerSample: number;
  /** Why the model cannot be split over workers (batch statistics...), or undefined. */
  blocker?: string;
  /** Cores to plan for. @default os.availableParallelism() */
  cores?: number;
}

/**
 * How many data-parallel workers to train with; 1 means one onnxruntime session (with `threads`
 * intra-op threads). Measured with onnxruntime-node 1.30 on the bench MLP and CNN at batch 128: a
 * second intra-op thread gave nothing (MLP) or cost a third (CNN), because their GEMMs and
 * convolutions are too small to split well and the pool's threads spin while they wait; slices of
 * the batch on separate one-thread sessions scale instead, as long as each slice carries enough work.
 */
export function planWorkers(o: ParallelPlanInput): number {
  if (o.threads === 1 || o.blocker) return 1;
  const wanted = o.threads > 0 ? o.threads : (o.cores ?? availableParallelism());
  const floor = o.threads > 0 ? MIN_MACS_PER_WORKER : AUTO_MIN_MACS_PER_WORKER;
  let workers = Math.min(wanted, Math.floor(o.batchSize / MIN_ROWS_PER_WORKER));
  while (workers >= 2 && o.macsPerSample * Math.floor(o.batchSize / workers) < floor) workers--;
  return workers >= 2 ? workers : 1;
}
