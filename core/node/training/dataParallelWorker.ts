/**
 * Slots of the shared control words (Int32Array) and scalars (Float64Array) of a data-parallel
 * step. `SEQ` counts steps started by the trainer; `DONE`, `GRADS` and `NORM` count workers that
 * finished a step, wrote their gradient, and wrote their shard's squared norm (each only grows, so
 * step `s` is complete when a counter reaches `workers × s`).
 */
export const CTRL = { SEQ: 0, DONE: 1, GRADS: 2, NORM: 3, STOP: 4, ERROR: 5, MASK: 6, SIZE: 8 } as const;
/** Scalars: the batch's rows, lr and Adam's bias corrections, then per worker `PER_WORKER` values. */
export const SCALAR = { ROWS: 0, LR: 1, BC1: 2, BC2: 3, WORKERS: 4, PER_WORKER: 4 } as const;
/** Per-worker scalars: mean loss of its slice, correct count, its share of the batch, its shard's Σg². */
export const WORKER_SCALAR = { LOSS: 0, CORRECT: 1, SHARE: 2, NORM: 3 } as const;

/**
 * The worker's program, run with `new Worker(source, { eval: true })` so it needs no TypeScript
 * loader and no file beside a bundle. Each step it copies its rows of the shared batch and the
 * shared parameters into its own memory (onnxruntime-node rejects SharedArrayBuffer-backed
 * tensors), runs the gradient graph on one thread, publishes its gradient, then sums every
 * worker's gradient over its own shard of the parameters, weighted by each slice's share of the
 * batch, and applies the optimizer there (the same formulas as `emitUpdate`), writing the new
 * parameters back to shared memory.
 */
export const WORKER_SOURCE = `
'use strict';
const { workerData: d, parentPort } = require('node:worker_threads');
const ort = require(d.ortPath);
const C = ${JSON.stringify(CTRL)}, S = ${JSON.stringify(SCALAR)}, WS = ${JSON.stringify(WORKER_SCALAR)};
const ctrl = new Int32Array(d.ctrl), f = new Float64Array(d.scalars);
const W = d.workers, w = d.index, P = d.paramCount, rs = d.rowSize;
const lo = Math.floor((w * P) / W), hi = Math.floor(((w + 1) * P) / W), n = hi - lo;
const X = new Float32Array(d.x);
const Y = d.y ? (d.labelType === 'int32' ? new Int32Array(d.y) : new Float32Array(d.y)) : undefined;
const T = d.soft ? new Float32Array(d.soft) : undefined;
const shared = new Float32Array(d.params), G = new Float32Array(d.grads);
const sharedMask = d.mask ? new Float32Array(d.mask) : undefined;
const maxRows = Math.ceil(d.batchSize / W);
const xl = new Float32Array(maxRows * rs);
const yl = Y ? (d.labelType === 'int32' ? new Int32Array(maxRows * d.labelSize) : new Float32Array(maxRows * d.labelSize)) : undefined;
const tl = T ? new Float32Array(maxRows * d.softSize) : undefined;
const local = new Float32Array(P);
const localMask = sharedMask ? new Float32Array(P) : undefined;
const gs = new Float32Array(n);
const o = d.optimizer, kind = o.kind, wd = d.weightDecay, clip = d.clipNorm;
const slotA = new Float32Array(n), slotB = new Float32Array(n);
let maskSeq = -1;

function arrive(slot, target) {
  if (Atomics.add(ctrl, slot, 1) + 1 >= target) Atomics.notify(ctrl, slot);
  for (let v = Atomics.load(ctrl, slot); v < target && !ctrl[C.ERROR]; v = Atomics.load(ctrl, slot))
    Atomics.wait(ctrl, slot, v, 1000);
}

function update(lr, bc1, bc2) {
  const p = local;
  if (kind === 'sgd') {
    for (let j = 0, i = lo; j < n; j++, i++) p[i] = p[i] - lr * (wd ? gs[j] + wd * p[i] : gs[j]);
  } else if (kind === 'momentum' || kind === 'nesterov') {
    const mu = o.momentum ?? 0.9, nest = kind === 'nesterov';
    for (let j = 0, i = lo; j < n; j++, i++) {
      const g = wd ? gs[j] + wd * p[i] : gs[j];
      const vel = (slotA[j] = mu * slotA[j] + g);
      p[i] = p[i] - lr * (nest ? g + mu * vel : vel);
    }
  } else if (kind === 'rmsprop') {
    const rho = o.rho ?? 0.9, eps = o.epsilon ?? 1e-7;
    for (let j = 0, i = lo; j < n; j++, i++) {
      const g = wd ? gs[j] + wd * p[i] : gs[j];
      const sq = (slotA[j] = rho * slotA[j] + (1 - rho) * g * g);
      p[i] = p[i] - lr * (g / (Math.sqrt(sq) + eps));
    }
  } else {
    const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.epsilon ?? 1e-7, decoupled = kind === 'adamw';
    const c1 = 1 - b1, c2 = 1 - b2, step = lr / bc1, root = 1 / Math.sqrt(bc2), l2 = decoupled ? 0 : wd;
    const shrink = decoupled && wd ? 1 - lr * wd : 1;
    for (let j = 0, i = lo; j < n; j++, i++) {
      const g = gs[j] + l2 * p[i];
      const m = (slotA[j] = b1 * slotA[j] + c1 * g);
      const v = (slotB[j] = b2 * slotB[j] + c2 * g * g);
      p[i] = p[i] * shrink - (step * m) / (Math.sqrt(v) * root + eps);
    }
  }
}

async function step(seq, session) {
  const rows = f[S.ROWS];
  const a = Math.floor((w * rows) / W), b = Math.floor(((w + 1) * rows) / W), m = b - a;
  const mine = S.WORKERS + w * S.PER_WORKER;
  local.set(shared);
  if (localMask && ctrl[C.MASK] !== maskSeq) {
    maskSeq = ctrl[C.MASK];
    localMask.set(sharedMask);
  }
  let own;
  if (m > 0) {
    xl.set(X.subarray(a * rs, b * rs));
    const feeds = {
      [d.names.input]: new ort.Tensor('float32', xl.subarray(0, m * rs), [m, ...d.inputShape]),
      [d.names.params]: new ort.Tensor('float32', local, [P]),
    };
    if (yl) {
      yl.set(Y.subarray(a * d.labelSize, b * d.labelSize));
      feeds[d.names.labels] = new ort.Tensor(d.labelType, yl.subarray(0, m * d.labelSize), [m, ...d.labelShape]);
    }
    if (tl) {
      tl.set(T.subarray(a * d.softSize, b * d.softSize));
      feeds[d.names.teacher] = new ort.Tensor('float32', tl.subarray(0, m * d.softSize), [m, ...d.softShape]);
    }
    if (localMask) feeds[d.names.mask] = new ort.Tensor('float32', localMask, [P]);
    const out = await session.run(feeds);
    own = out[d.names.grads].data;
    f[mine + WS.LOSS] = out[d.names.loss].data[0];
    f[mine + WS.CORRECT] = d.names.correct ? out[d.names.correct].data[0] : 0;
    f[mine + WS.SHARE] = m / rows;
    if (lo > 0) G.set(own.subarray(0, lo), w * P);
    if (hi < P) G.set(own.subarray(hi), w * P + hi);
  } else {
    f[mine + WS.LOSS] = 0;
    f[mine + WS.CORRECT] = 0;
    f[mine + WS.SHARE] = 0;
  }
  arrive(C.GRADS, W * seq);
  if (ctrl[C.ERROR]) return;
  if (own) {
    const a = own.subarray(lo, hi), s = f[mine + WS.SHARE];
    for (let j = 0; j < n; j++) gs[j] = s * a[j];
  } else gs.fill(0);
  for (let k = 0; k < W; k++) {
    const share = f[S.WORKERS + k * S.PER_WORKER + WS.SHARE];
    if (k === w || !share) continue;
    const a = G.subarray(k * P + lo, k * P + hi);
    for (let j = 0; j < n; j++) gs[j] += share * a[j];
  }
  if (clip > 0) {
    let sq = 0;
    for (let j = 0; j < n; j++) sq += gs[j] * gs[j];
    f[mine + WS.NORM] = sq;
    arrive(C.NORM, W * seq);
    let total = 0;
    for (let k = 0; k < W; k++) total += f[S.WORKERS + k * S.PER_WORKER + WS.NORM];
    const coef = Math.min(clip / (Math.sqrt(total) + 1e-6), 1);
    for (let j = 0; j < n; j++) gs[j] *= coef;
  }
  update(f[S.LR], f[S.BC1], f[S.BC2]);
  shared.set(local.subarray(lo, hi), lo);
}

(async () => {
  const session = await ort.InferenceSession.create(d.onnx, {
    graphOptimizationLevel: d.optimization,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  parentPort.postMessage({ ready: true });
  let seq = 0;
  try {
    for (;;) {
      Atomics.wait(ctrl, C.SEQ, seq);
      seq = Atomics.load(ctrl, C.SEQ);
      if (ctrl[C.STOP]) break;
      await step(seq, session);
      Atomics.add(ctrl, C.DONE, 1);
      Atomics.notify(ctrl, C.DONE);
    }
  } finally {
    await session.release();
  }
})().catch((e) => {
  parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  Atomics.store(ctrl, C.ERROR, 1);
  Atomics.notify(ctrl, C.GRADS);
  Atomics.notify(ctrl, C.NORM);
  Atomics.add(ctrl, C.DONE, 1);
  Atomics.notify(ctrl, C.DONE);
});
`;
