/**
 * One version of one model, opened in onnxruntime and ready to answer infer requests, with its
 * protocol metadata and, when batching is on, its batcher.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type * as ort from 'onnxruntime-node';
import { describeModel, type OnnxModelInfo } from '../onnx/inspect';
import { openSession, type ProviderChoice, type ProviderName } from '../onnx/session';
import { Batcher, type BatchOptions } from './batcher';
import { EXPORT_NAMES } from '../export/preprocessGraph';
import { exportLayout } from '../onnx/runOnDataset';
import { tensorMetadata } from './oip';

/** A loaded model version. */
export interface ServedVersion {
  version: number;
  file: string;
  info: OnnxModelInfo;
  provider: ProviderName;
  notes: string[];
  /** onnxruntime's intra-op threads for this session (spinning is always off). */
  threads: number;
  tensorOutputs: string[];
  /** Inputs that take null (sent as NaN) for a missing value. */
  missingOk: Set<string>;
  inputs: { name: string; datatype: string; shape: number[] }[];
  outputs: { name: string; datatype: string; shape: number[] }[];
  /** Runs checked feeds, through the batcher when batching is on. */
  run(feeds: Record<string, ort.Tensor>, wanted: string[]): Promise<ort.InferenceSession.OnnxValueMapType>;
  batching?: BatchOptions;
  release(): Promise<void>;
}

/**
 * Intra-op threads of a served version, chosen per mode. Batch-1 calls are too small to split: on
 * the 2-core bench machine (loaded, 4 alternating runs) the serving bench's MLP cost 24–44 µs of
 * CPU a call on one thread against 34–55 µs on onnxruntime's default pool, and its digits CNN
 * 70–93 against 97–126 µs, for no shorter wall time. A batch of rows is worth splitting, but over
 * the cores the HTTP work does not need: all but one (one on 2 cores, where a 32-row MLP batch cost
 * 2.9–3.5 µs a row on one thread against 3.9–4.2 µs on two).
 */
function intraOpThreads(batched: boolean): number {
  return batched ? Math.max(1, availableParallelism() - 1) : 1;
}

/** Whether every input and output has a dynamic first dimension, so requests can be stacked. */
export function batchable(info: OnnxModelInfo): boolean {
  return [...info.inputs, ...info.outputs].every((t) => (t.shape?.length ?? 0) > 0 && typeof t.shape?.[0] !== 'number');
}

/** Opens `file` (a missing or corrupt file rejects with the reason). */
export async function openVersion(
  file: string,
  version: number,
  opts: {
    provider: ProviderChoice;
    /** Intra-op threads; absent: intraOpThreads's choice. */
    threads?: number;
    batching?: BatchOptions;
    onBatch?: (rows: number, requests: number) => void;
  },
): Promise<ServedVersion> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new Error(
      `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      { cause: e },
    );
  }
  const batchingAsked = opts.batching !== undefined && opts.batching.maxBatchSize > 1;
  const threads = opts.threads ?? intraOpThreads(batchingAsked);
  const opened = await openSession(bytes, {
    provider: opts.provider,
    label: file,
    spinWait: false,
    threads,
  });
  const session = opened.session;
  const info = describeModel(session, bytes);
  const direct = (
    feeds: Record<string, ort.Tensor>,
    wanted: string[],
  ): Promise<ort.InferenceSession.OnnxValueMapType> => session.run(feeds, wanted);
  const batching = opts.batching && opts.batching.maxBatchSize > 1 && batchable(info) ? opts.batching : undefined;
  const batcher = batching ? new Batcher(direct, batching, opts.onBatch) : undefined;
  return {
    version,
    file,
    info,
    provider: opened.provider,
    notes: opened.notes,
    threads,
    missingOk: new Set(
      exportLayout(info)?.missing && info.inputs.some((i) => i.name === EXPORT_NAMES.numeric)
        ? [EXPORT_NAMES.numeric]
        : [],
    ),
    tensorOutputs: info.outputs.filter((o) => o.dtype !== 'non-tensor').map((o) => o.name),
    inputs: info.inputs.map(tensorMetadata).filter((t) => t !== undefined),
    outputs: info.outputs.map(tensorMetadata).filter((t) => t !== undefined),
    run: batcher
      ? (feeds, wanted) => batcher.submit(feeds, wanted)
      : (feeds, wanted) => {
          opts.onBatch?.(feeds[Object.keys(feeds)[0]]?.dims[0] ?? 1, 1);
          return direct(feeds, wanted);
        },
    ...(batching ? { batching } : {}),
    release: () => session.release(),
  };
}
