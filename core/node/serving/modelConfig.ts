/**
 * A model's serving settings in a repository: Triton's config.pbtxt (version_policy,
 * max_batch_size, dynamic_batching) and an optional `weft.json` beside it. Both may be given;
 * a setting they both give must agree.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BatchOptions } from './batcher';
import { parsePbtxt, type PbMessage, type PbValue } from './pbtxt';

/** Which versions of a model are served. Triton's default is the latest one. */
export type VersionPolicy = { latest: number } | { all: true } | { specific: number[] };

/** A model's settings. */
export interface ModelConfig {
  policy: VersionPolicy;
  /** Absent: every request runs alone. */
  batching?: BatchOptions;
}

const weftJsonSchema = z
  .object({
    versionPolicy: z
      .union([
        z.object({ latest: z.number().int().min(1) }).strict(),
        z.object({ all: z.literal(true) }).strict(),
        z.object({ specific: z.array(z.number().int().min(1)).min(1) }).strict(),
      ])
      .optional(),
    maxBatchSize: z.number().int().min(0).optional(),
    maxQueueDelayMs: z.number().min(0).max(10_000).optional(),
  })
  .strict();

const asMessage = (v: PbValue | undefined): PbMessage | undefined =>
  v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
const asNumbers = (v: PbValue | undefined): number[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(Number).filter((n) => Number.isFinite(n));

function pbPolicy(cfg: PbMessage, where: string): VersionPolicy | undefined {
  const vp = asMessage(cfg.version_policy);
  if (!vp) return undefined;
  const latest = asMessage(vp.latest);
  if (latest) {
    const n = Number(latest.num_versions ?? 1);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${where}: version_policy latest num_versions must be ≥ 1`);
    return { latest: n };
  }
  if (vp.all !== undefined) return { all: true };
  const specific = asMessage(vp.specific);
  if (specific) {
    const versions = asNumbers(specific.versions);
    if (!versions.length) throw new Error(`${where}: version_policy specific lists no versions`);
    return { specific: versions };
  }
  throw new Error(`${where}: version_policy must be latest, all or specific`);
}

function pbBatching(cfg: PbMessage): BatchOptions | undefined {
  const max = Number(cfg.max_batch_size ?? 0);
  const db = asMessage(cfg.dynamic_batching);
  if (!(max > 1) || !db) return undefined;
  return {
    maxBatchSize: max,
    maxQueueDelayMs: Number(db.max_queue_delay_microseconds ?? 0) / 1000,
    preferredBatchSizes: asNumbers(db.preferred_batch_size),
  };
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Reads `<dir>/config.pbtxt` and `<dir>/weft.json`; a malformed or conflicting one throws with the reason. */
export async function readModelConfig(dir: string, name: string): Promise<ModelConfig> {
  const pbFile = path.join(dir, 'config.pbtxt');
  const jsonFile = path.join(dir, 'weft.json');
  const pbText = await readIfThere(pbFile);
  const jsonText = await readIfThere(jsonFile);
  let pb: PbMessage = {};
  if (pbText !== undefined) {
    try {
      pb = parsePbtxt(pbText);
    } catch (e) {
      throw new Error(`${pbFile}: ${(e as Error).message}`, { cause: e });
    }
    if (pb.name !== undefined && pb.name !== name)
      throw new Error(`${pbFile}: name ${JSON.stringify(pb.name)} differs from the folder name "${name}"`);
    if (pb.platform !== undefined && pb.platform !== 'onnxruntime_onnx' && pb.backend !== 'onnxruntime')
      throw new Error(`${pbFile}: platform ${JSON.stringify(pb.platform)} is not served here; only onnxruntime_onnx`);
  }
  let weft: z.infer<typeof weftJsonSchema> = {};
  if (jsonText !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(jsonText);
    } catch (e) {
      throw new Error(`${jsonFile}: not JSON: ${(e as Error).message}`, { cause: e });
    }
    const parsed = weftJsonSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${jsonFile}: ${issue?.path.join('.') || 'body'}: ${issue?.message}`);
    }
    weft = parsed.data;
  }
  const pbPol = pbPolicy(pb, pbFile);
  if (pbPol && weft.versionPolicy && JSON.stringify(pbPol) !== JSON.stringify(weft.versionPolicy))
    throw new Error(
      `conflicting version policies: ${pbFile} says ${JSON.stringify(pbPol)}, ${jsonFile} says ${JSON.stringify(weft.versionPolicy)}; keep one`,
    );
  const pbMax = pb.max_batch_size !== undefined ? Number(pb.max_batch_size) : undefined;
  if (pbMax !== undefined && weft.maxBatchSize !== undefined && pbMax !== weft.maxBatchSize)
    throw new Error(
      `conflicting max batch sizes: ${pbFile} says ${pbMax}, ${jsonFile} says ${weft.maxBatchSize}; keep one`,
    );
  let batching = pbBatching(pb);
  if (weft.maxBatchSize !== undefined || weft.maxQueueDelayMs !== undefined) {
    const max = weft.maxBatchSize ?? batching?.maxBatchSize ?? 0;
    batching =
      max > 1
        ? { ...batching, maxBatchSize: max, maxQueueDelayMs: weft.maxQueueDelayMs ?? batching?.maxQueueDelayMs ?? 0 }
        : undefined;
  }
  return { policy: pbPol ?? weft.versionPolicy ?? { latest: 1 }, ...(batching ? { batching } : {}) };
}

/** The versions a policy picks among those present. */
export function pickVersions(policy: VersionPolicy, present: number[]): number[] {
  const sorted = [...present].sort((a, b) => a - b);
  if ('all' in policy) return sorted;
  if ('specific' in policy) return sorted.filter((v) => policy.specific.includes(v));
  return sorted.slice(-policy.latest);
}
