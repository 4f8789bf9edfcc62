import * as ort from 'onnxruntime-node';

/** Execution providers Weft knows, in the order `auto` tries them. */
export const PROVIDER_ORDER = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type ProviderName = (typeof PROVIDER_ORDER)[number];
export type ProviderChoice = ProviderName | 'auto';

export interface SessionOptions {
  provider?: ProviderChoice;
  /** Intra-op threads; 0 lets onnxruntime decide. @default 0 */
  threads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs the graph. */
  provider: ProviderName;
  /** Why a preferred provider was skipped, one line each. */
  notes: string[];
}

function platformProviders(): ProviderName[] {
  const bundled = new Set(ort.listSupportedBackends().map((b) => b.name));
  return PROVIDER_ORDER.filter((p) => {
    if (p === 'cpu') return true;
    if (p === 'dml') return process.platform === 'win32' && bundled.has('dml');
    if (p === 'coreml') return process.platform === 'darwin' && bundled.has('coreml');
    return bundled.has(p) || p === 'cuda';
  });
}

/**
 * Opens an onnxruntime session on the best available provider, falling back to CPU with a note
 * saying why (missing CUDA libraries, no GPU adapter...).
 */
export async function openSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<OpenedSession> {
  const choice = opts.provider ?? 'auto';
  const candidates: ProviderName[] = choice === 'auto' ? platformProviders() : choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
  const notes: string[] = [];
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: opts.graphOptimizationLevel ?? 'extended',
    ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
  };
  for (const provider of candidates) {
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, { ...base, executionProviders: [provider] })
          : await ort.InferenceSession.create(model, { ...base, executionProviders: [provider] });
      return { session, provider, notes };
    } catch (e) {
      if (provider === 'cpu') throw e;
      const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
      notes.push(`${provider} unavailable, falling back: ${first.slice(0, 200)}`);
    }
  }
  throw new Error('no execution provider could open the model');
}
