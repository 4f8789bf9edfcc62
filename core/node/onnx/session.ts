import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { UserError } from '../executors/Executor';
import { cleanOrtMessage, describeLoadError } from './loadError';
import { probeWebGpu } from './probeWebGpu';

/** Execution providers Weft knows, in the order `auto` tries them. */
export const PROVIDER_ORDER = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type ProviderName = (typeof PROVIDER_ORDER)[number];
export type ProviderChoice = ProviderName | 'auto';

export interface SessionOptions {
  provider?: ProviderChoice;
  /** Intra-op threads; 0 lets onnxruntime decide. @default 0 */
  threads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Let idle intra-op threads spin-wait for work. Off for servers, where spinning threads take
   * the cores that parse requests. @default onnxruntime's (on)
   */
  spinWait?: boolean;
  /** How to name the model in error messages when it is given as bytes, e.g. its file name. */
  label?: string;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs the graph. */
  provider: ProviderName;
  /** Why a preferred provider was skipped, one line each. */
  notes: string[];
}

/** The folder holding onnxruntime-node's native binding and any provider libraries shipped beside it. */
function bindingDir(): string {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Providers `auto` may try on this machine, each with a reason when it is left out.
 *
 * - CUDA is not bundled with onnxruntime-node 1.30: it is tried only when its provider library
 *   sits beside the binding (a custom build or `onnxruntime-node` installed with CUDA support).
 * - WebGPU is bundled, but creating a session asks Dawn for an adapter inside this process, and
 *   broken GPU drivers can hang or crash there. `auto` therefore tries it only after a child
 *   process has opened and run a tiny model on it (once per process, with a time limit).
 * - DirectML and CoreML are tried on the platforms that ship them.
 */
const CUDA_LIB = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
const hasCudaProvider = (): boolean => existsSync(path.join(bindingDir(), CUDA_LIB));
const NO_CUDA = `cuda unavailable: onnxruntime-node has no CUDA provider library (${CUDA_LIB}) beside its binding`;

async function autoCandidates(notes: string[]): Promise<ProviderName[]> {
  const bundled = new Set(
    ort
      .listSupportedBackends()
      .filter((b) => b.bundled)
      .map((b) => b.name),
  );
  const out: ProviderName[] = [];
  if (hasCudaProvider()) out.push('cuda');
  if (bundled.has('webgpu')) {
    const probe = await probeWebGpu();
    if (probe.ok) out.push('webgpu');
    else notes.push(`webgpu unavailable: ${probe.reason}`);
  }
  if (process.platform === 'win32' && bundled.has('dml')) out.push('dml');
  if (process.platform === 'darwin' && bundled.has('coreml')) out.push('coreml');
  out.push('cpu');
  return out;
}

function firstLine(e: unknown): string {
  return cleanOrtMessage(e instanceof Error ? e.message : String(e)).slice(0, 200);
}

/**
 * Opens an onnxruntime session on the best available provider, falling back to CPU with a note
 * saying why (no CUDA provider library, no GPU adapter...). A file that cannot be loaded (missing,
 * empty, truncated, corrupt, unsupported operators) throws a UserError naming it.
 */
export async function openSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<OpenedSession> {
  const choice = opts.provider ?? 'auto';
  const notes: string[] = [];
  let candidates: ProviderName[] =
    choice === 'auto' ? await autoCandidates(notes) : choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
  if (choice === 'cuda' && !hasCudaProvider()) {
    notes.push(NO_CUDA);
    candidates = ['cpu'];
  }
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: opts.graphOptimizationLevel ?? 'extended',
    ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    ...(opts.spinWait === false
      ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }
      : {}),
  };
  const label = opts.label ?? (typeof model === 'string' ? model : 'the ONNX model');
  for (const provider of candidates) {
    try {
      const options = { ...base, executionProviders: [provider] };
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, options)
          : await ort.InferenceSession.create(model, options);
      return { session, provider, notes };
    } catch (e) {
      if (provider === 'cpu') throw new UserError(describeLoadError(label, model, e));
      notes.push(`${provider} unavailable, falling back: ${firstLine(e)}`);
    }
  }
  throw new UserError(`${label}: no execution provider could open the model`);
}
