/**
 * Slots of the shared control words (Int32Array) and scalars (Float64Array) of a data-parallel
 * step. `SEQ` counts steps started by the trainer; `DONE`, `GRADS` and `NORM` count workers that
 * finished a step, wrote their gradient, and wrote their shard's squared norm (each only grows, so
 * step `s` is complete when a counter reaches `workers × s`).
 */
export const CTRL = { SEQ: 0, DONE: 1, GRADS: 2, NORM: 3, STOP: 4, ERROR: 5, MASK: 6, SIZE: 8 } as const;
/**
 * Scalars: the batch's rows, lr and Adam's bias corrections, the batch buffer set to read (or, when
 * workers gather their rows themselves, the batch's first position in the shared order), then per
 * worker `PER_WORKER` values.
 */
export const SCALAR = { ROWS: 0, LR: 1, BC1: 2, BC2: 3, SET: 4, START: 5, WORKERS: 6, PER_WORKER: 4 } as const;
/** Per-worker scalars: mean loss of its slice, correct count, its share of the batch, its shard's Σg². */
export const WORKER_SCALAR = { LOSS: 0, CORRECT: 1, SHARE: 2, NORM: 3 } as const;

/**
 * Regions of the shared WebAssembly memory, in units of the padded parameter count (a multiple of
 * 4): the parameters, the summed gradient, the optimizer's two slots (each worker updates its own
 * shard of these), then each worker's gradient.
 */
export const LAYOUT = { PARAMS: 0, GSUM: 1, SLOT_A: 2, SLOT_B: 3, GRADS: 4 } as const;

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
const W = d.workers, w = d.index, P = d.paramCount, P4 = d.padded, rs = d.rowSize;
const quads = P4 / 4, lo = 4 * Math.floor((w * quads) / W), hi = 4 * Math.floor(((w + 1) * quads) / W), n = hi - lo;
const F = new Float32Array(d.memory.buffer);
const kernels = new WebAssembly.Instance(new WebAssembly.Module(d.wasm), { env: { mem: d.memory } }).exports;
const L = ${JSON.stringify(LAYOUT)};
const labels = (b) => (d.labelType === 'int32' ? new Int32Array(b) : new Float32Array(b));
const Xs = d.x.map((b) => new Float32Array(b));
const Ys = d.y ? d.y.map(labels) : undefined;
const Ts = d.soft ? d.soft.map((b) => new Float32Array(b)) : undefined;
const src = d.gather && {
  x: new Float32Array(d.gather.x),
  y: d.gather.y && labels(d.gather.y),
  soft: d.gather.soft && new Float32Array(d.gather.soft),
  order: new Uint32Array(d.gather.order),
};
function take(sets, whole, dst, a, b, size) {
  if (!src) return dst.set(sets[f[S.SET]].subarray(a * size, b * size));
  const order = src.order, start = f[S.START];
  if (size === 1) for (let i = a; i < b; i++) dst[i - a] = whole[order[start + i]];
  else for (let i = a; i < b; i++) {
    const r = order[start + i];
    dst.set(whole.subarray(r * size, (r + 1) * size), (i - a) * size);
  }
}
const shared = F.subarray(L.PARAMS * P4, L.PARAMS * P4 + P);
const sharedMask = d.mask ? new Float32Array(d.mask) : undefined;
const maxRows = Math.ceil(d.batchSize / W);
const xl = new Float32Array(maxRows * rs);
const yl = Ys ? (d.labelType === 'int32' ? new Int32Array(maxRows * d.labelSize) : new Float32Array(maxRows * d.labelSize)) : undefined;
const tl = Ts ? new Float32Array(maxRows * d.softSize) : undefined;
const local = new Float32Array(P);
const localMask = sharedMask ? new Float32Array(P) : undefined;
const gs = F.subarray(L.GSUM * P4 + lo, L.GSUM * P4 + hi);
const o = d.optimizer, kind = o.kind, wd = d.weightDecay, clip = d.clipNorm;
const slotA = F.subarray(L.SLOT_A * P4 + lo, L.SLOT_A * P4 + hi), slotB = F.subarray(L.SLOT_B * P4 + lo, L.SLOT_B * P4 + hi);
let maskSeq = -1;

function arrive(slot, target) {
  if (Atomics.add(ctrl, slot, 1) + 1 >= target) Atomics.notify(ctrl, slot);
  for (let v = Atomics.load(ctrl, slot); v < target && !ctrl[C.ERROR]; v = Atomics.load(ctrl, slot))
    Atomics.wait(ctrl, slot, v, 1000);
}

function update(lr, bc1, bc2) {
  const p = F;
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
    const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, decoupled = kind === 'adamw';
    const at = (region) => 4 * (region * P4 + lo);
    kernels.adam(at(L.PARAMS), at(L.GSUM), at(L.SLOT_A), at(L.SLOT_B), n, b1, 1 - b1, b2, 1 - b2, lr / bc1,
      1 / Math.sqrt(bc2), o.epsilon ?? 1e-7, decoupled && wd ? 1 - lr * wd : 1, decoupled ? 0 : wd);
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
  if (m > 0) {
    take(Xs, src && src.x, xl, a, b, rs);
    const feeds = {
      [d.names.input]: new ort.Tensor('float32', xl.subarray(0, m * rs), [m, ...d.inputShape]),
      [d.names.params]: new ort.Tensor('float32', local, [P]),
    };
    if (yl) {
      take(Ys, src && src.y, yl, a, b, d.labelSize);
      feeds[d.names.labels] = new ort.Tensor(d.labelType, yl.subarray(0, m * d.labelSize), [m, ...d.labelShape]);
    }
    if (tl) {
      take(Ts, src && src.soft, tl, a, b, d.softSize);
      feeds[d.names.teacher] = new ort.Tensor('float32', tl.subarray(0, m * d.softSize), [m, ...d.softShape]);
    }
    if (localMask) feeds[d.names.mask] = new ort.Tensor('float32', localMask, [P]);
    const out = await session.run(feeds);
    const own = out[d.names.grads].data;
    f[mine + WS.LOSS] = out[d.names.loss].data[0];
    f[mine + WS.CORRECT] = d.names.correct ? out[d.names.correct].data[0] : 0;
    f[mine + WS.SHARE] = m / rows;
    F.set(own, (L.GRADS + w) * P4);
  } else {
    f[mine + WS.LOSS] = 0;
    f[mine + WS.CORRECT] = 0;
    f[mine + WS.SHARE] = 0;
  }
  arrive(C.GRADS, W * seq);
  if (ctrl[C.ERROR]) return;
  let first = true;
  for (let k = 0; k < W; k++) {
    const share = f[S.WORKERS + k * S.PER_WORKER + WS.SHARE];
    if (!share) continue;
    (first ? kernels.scale : kernels.axpy)(4 * (L.GSUM * P4 + lo), 4 * ((L.GRADS + k) * P4 + lo), n, share);
    first = false;
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
