import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { OptimizerConfig, TrainingGraph } from '../../common/model';
import type { Batcher } from './Batcher';
import { CTRL, LAYOUT, SCALAR, WORKER_SCALAR, WORKER_SOURCE } from './dataParallelWorker';
import { optimizerKernelsWasm } from './optimizerKernels';

export interface DataParallelOptions {
  /** One gradients-only step graph per worker (`gradientsOnly: true`; seeds may differ). */
  graphs: TrainingGraph[];
  /** Fills the shared batch buffers (built with `shared: true`). */
  batcher: Batcher;
  batchSize: number;
  inputShape: number[];
  /** Label shape per sample, `[]` for class indices. */
  labelShape: number[];
  /** Teacher logits per sample, when distilling. */
  softShape?: number[];
  optimizer: OptimizerConfig;
  weightDecay: number;
  clipNorm: number;
  optimization: 'basic' | 'extended' | 'all';
  params: Float32Array;
  mask?: Float32Array;
  /**
   * The whole split on shared memory and the batcher's (shared) order: each worker then copies its
   * own rows of every batch, and the batcher's buffers are not used.
   */
  gather?: { x: Float32Array; y?: Int32Array | Float32Array; soft?: Float32Array; order: Uint32Array };
}

/** `Atomics.waitAsync` (Node 16+; not yet in TypeScript's ES2022 lib). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Data-parallel training steps: each worker thread holds a one-thread onnxruntime session of the
 * gradient graph and takes a contiguous slice of every batch. The gradients, weighted by each
 * slice's share of the batch, are summed in shared memory and the optimizer update is split into
 * one shard of the parameters per worker, so every worker sees the same parameters at the next
 * step: the model trained is the single-session one up to float summation order.
 */
export class DataParallel {
  /** The current parameters (shared memory: read or write between steps only). */
  readonly params: Float32Array;
  private readonly mask?: Float32Array;
  private readonly ctrl: Int32Array;
  private readonly scalars: Float64Array;
  private seq = 0;
  private failure?: string;
  private readonly exited: Promise<void>[];

  private constructor(
    private readonly workers: Worker[],
    buffers: {
      ctrl: SharedArrayBuffer;
      scalars: SharedArrayBuffer;
      memory: WebAssembly.Memory;
      mask?: SharedArrayBuffer;
    },
    paramCount: number,
  ) {
    this.ctrl = new Int32Array(buffers.ctrl);
    this.scalars = new Float64Array(buffers.scalars);
    this.params = new Float32Array(buffers.memory.buffer, 0, paramCount);
    if (buffers.mask) this.mask = new Float32Array(buffers.mask);
    this.exited = workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
    for (const w of workers) {
      w.on('message', (m: { error?: string }) => {
        if (m.error) this.failure ??= m.error;
      });
      w.on('error', (e) => {
        this.failure ??= e.message;
        Atomics.store(this.ctrl, CTRL.ERROR, 1);
        Atomics.add(this.ctrl, CTRL.DONE, 1);
        Atomics.notify(this.ctrl, CTRL.DONE);
      });
    }
  }

  /** Starts one worker per graph and waits until each has opened its session. */
  static async open(o: DataParallelOptions): Promise<DataParallel> {
    const W = o.graphs.length;
    const g = o.graphs[0];
    const P = g.paramCount;
    const padded = 4 * Math.ceil(P / 4);
    const pages = Math.ceil((4 * padded * (LAYOUT.GRADS + W)) / 65536);
    const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
    const buffers = {
      ctrl: shared(4 * CTRL.SIZE),
      scalars: shared(8 * (SCALAR.WORKERS + W * SCALAR.PER_WORKER)),
      memory: new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }),
      ...(o.mask ? { mask: shared(4 * P) } : {}),
    };
    new Float32Array(buffers.memory.buffer, 4 * LAYOUT.PARAMS * padded, P).set(o.params);
    const wasm = optimizerKernelsWasm(pages, true);
    if (o.mask && buffers.mask) new Float32Array(buffers.mask).set(o.mask);
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const sets = o.batcher.sets;
    const workers = o.graphs.map(
      (graph, index) =>
        new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            ortPath,
            onnx: graph.onnx,
            optimization: o.optimization,
            index,
            workers: W,
            paramCount: P,
            padded,
            wasm,
            batchSize: o.batchSize,
            rowSize: size(o.inputShape),
            inputShape: o.inputShape,
            labelType: graph.labelName ? (graph.labelType === 'int32' ? 'int32' : 'float32') : undefined,
            labelShape: o.labelShape,
            labelSize: size(o.labelShape),
            softShape: o.softShape ?? [],
            softSize: o.softShape ? size(o.softShape) : 0,
            optimizer: o.optimizer,
            weightDecay: o.weightDecay,
            clipNorm: o.clipNorm,
            names: {
              input: graph.inputName,
              labels: graph.labelName,
              params: 'params',
              mask: graph.maskName,
              teacher: graph.teacherName,
              loss: graph.lossName,
              correct: graph.correctName,
              grads: graph.gradsName,
            },
            ctrl: buffers.ctrl,
            scalars: buffers.scalars,
            memory: buffers.memory,
            mask: buffers.mask,
            x: sets.map((s) => s.x.buffer),
            y: graph.labelName ? sets.map((s) => s.y.buffer) : undefined,
            soft: graph.teacherName ? sets.map((s) => s.soft.buffer) : undefined,
            gather: o.gather && {
              x: o.gather.x.buffer,
              y: graph.labelName ? o.gather.y?.buffer : undefined,
              soft: graph.teacherName ? o.gather.soft?.buffer : undefined,
              order: o.gather.order.buffer,
            },
          },
        }),
    );
    const dp = new DataParallel(workers, buffers, P);
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.on('message', (m: { ready?: boolean; error?: string }) => {
                if (m.ready) resolve();
                if (m.error) reject(new Error(`data-parallel worker: ${m.error}`));
              });
              w.once('error', reject);
              w.once('exit', (code) => reject(new Error(`data-parallel worker exited with code ${code}`)));
            }),
        ),
      );
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /** Replaces the mask fed to the gradient graphs (between steps). */
  setMask(mask: Float32Array): void {
    if (!this.mask) throw new Error('the data-parallel step was opened without a mask');
    this.mask.set(mask);
    Atomics.add(this.ctrl, CTRL.MASK, 1);
  }

  /**
   * One optimizer step on `rows` rows, with the step's scalar feeds (`lr`, and `bc1`, `bc2` for
   * Adam): the rows in the batcher's buffer set `at.set`, or (opened with `gather`) the rows at
   * positions `at.start`… of the order. `meanwhile` runs while the workers compute (it may fill the
   * other buffer set). Returns the batch's mean loss and correct count.
   */
  async step(
    rows: number,
    scalars: Record<string, number | undefined>,
    at: { set: number } | { start: number },
    meanwhile?: () => void,
  ): Promise<{ loss: number; correct: number }> {
    const f = this.scalars;
    f[SCALAR.ROWS] = rows;
    if ('set' in at) f[SCALAR.SET] = at.set;
    else f[SCALAR.START] = at.start;
    f[SCALAR.LR] = scalars.lr ?? 0;
    f[SCALAR.BC1] = scalars.bc1 ?? 1;
    f[SCALAR.BC2] = scalars.bc2 ?? 1;
    const seq = ++this.seq;
    const target = seq * this.workers.length;
    Atomics.store(this.ctrl, CTRL.SEQ, seq);
    Atomics.notify(this.ctrl, CTRL.SEQ);
    meanwhile?.();
    for (let v = Atomics.load(this.ctrl, CTRL.DONE); v < target; v = Atomics.load(this.ctrl, CTRL.DONE)) {
      if (this.ctrl[CTRL.ERROR]) break;
      const r = waitAsync(this.ctrl, CTRL.DONE, v);
      if (r.async) await r.value;
    }
    if (this.ctrl[CTRL.ERROR]) {
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error(`data-parallel training step failed: ${this.failure ?? 'a worker stopped'}`);
    }
    let loss = 0;
    let correct = 0;
    for (let k = 0; k < this.workers.length; k++) {
      const base = SCALAR.WORKERS + k * SCALAR.PER_WORKER;
      loss += f[base + WORKER_SCALAR.SHARE] * f[base + WORKER_SCALAR.LOSS];
      correct += f[base + WORKER_SCALAR.CORRECT];
    }
    return { loss, correct };
  }

  /** Stops the workers and releases their sessions. */
  async close(): Promise<void> {
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    Atomics.add(this.ctrl, CTRL.SEQ, 1);
    Atomics.notify(this.ctrl, CTRL.SEQ);
    await Promise.all(
      this.workers.map(async (w, i) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(() => void w.terminate().then(() => resolve()), 5000);
        });
        await Promise.race([this.exited[i], late]);
        clearTimeout(timer);
      }),
    );
  }
}
