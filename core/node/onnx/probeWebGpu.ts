import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { encodeModel } from '../../common/model/onnx/encodeModel';
import { cleanOrtMessage } from './loadError';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** How long the child may take to find an adapter, open and run the model. */
export const WEBGPU_PROBE_TIMEOUT_MS = 15_000;

const CHILD = `
const ort = require(process.argv[1]);
(async () => {
  try {
    const s = await ort.InferenceSession.create(Buffer.from(process.argv[2], 'base64'), { executionProviders: ['webgpu'] });
    const r = await s.run({ x: new ort.Tensor('float32', new Float32Array([-1, 2]), [1, 2]) });
    const y = Array.from(r.y.data);
    await s.release();
    console.log(y[0] === 0 && y[1] === 2 ? 'ok' : 'error: wrong result ' + JSON.stringify(y));
  } catch (e) {
    console.log('error: ' + String(e && e.message || e).split('\\n')[0].slice(0, 400));
  }
  process.exit(0);
})();
`;

function probeModel(): string {
  const bytes = encodeModel({
    name: 'probe',
    nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1, 2] }],
    initializers: [],
  });
  return Buffer.from(bytes).toString('base64');
}

/**
 * Runs `script` (CommonJS, given `args`) in a child Node process and reads its verdict: a last
 * stdout line `ok` or `error: <reason>`. A child that hangs is killed after `timeoutMs`; one that
 * crashes is reported with its signal. This process is never at risk.
 */
export function probeInChild(script: string, args: string[], timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script, ...args],
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      },
      (err, stdout) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        if (line === 'ok') return resolve({ ok: true });
        if (line.startsWith('error: ')) return resolve({ ok: false, reason: cleanOrtMessage(line.slice(7)) });
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
        if (e?.killed)
          return resolve({ ok: false, reason: `opening a WebGPU session did not finish within ${timeoutMs / 1000} s` });
        if (e?.signal)
          return resolve({ ok: false, reason: `opening a WebGPU session crashed the probe process (${e.signal})` });
        resolve({ ok: false, reason: e ? (e.message.split('\n')[0] ?? 'probe failed') : 'probe printed nothing' });
      },
    );
  });
}

function runProbe(): Promise<ProbeResult> {
  const ortEntry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return probeInChild(CHILD, [ortEntry, probeModel()], WEBGPU_PROBE_TIMEOUT_MS);
}

let cached: Promise<ProbeResult> | undefined;

/**
 * Whether WebGPU works here, decided in a child process so that a driver that hangs or crashes
 * while Dawn looks for an adapter cannot take this process with it. Runs once per process.
 */
export function probeWebGpu(): Promise<ProbeResult> {
  cached ??= runProbe();
  return cached;
}
