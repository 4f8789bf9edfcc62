/**
 * API keys for the model server: a JSON file of keys stored as SHA-256 hashes (never the keys),
 * each with the models it may reach, what it may do there (infer, read metadata, administer the
 * repository) and an optional token-bucket rate limit.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** What a key may do: call infer, read metadata and metrics, or load and unload models. */
export type Permission = 'infer' | 'read' | 'admin';

const keySchema = z
  .object({
    id: z.string().min(1).max(64),
    sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be the 64 hex digits of the key’s SHA-256'),
    models: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
    permissions: z.array(z.enum(['infer', 'read', 'admin'])).min(1),
    rateLimit: z
      .object({ perSecond: z.number().positive(), burst: z.number().int().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

const keysFileSchema = z.object({ keys: z.array(keySchema).min(1) }).strict();

/** One key as the keys file defines it. */
export type KeySpec = z.infer<typeof keySchema>;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Reads and checks a keys file; a bad one throws naming the file and the field. */
export async function readKeysFile(file: string): Promise<KeySpec[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const parsed = keysFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: ${issue?.path.join('.') || 'top level'}: ${issue?.message}; expected {"keys": [{"id", "sha256", "models": "*" | [names], "permissions": ["infer" | "read" | "admin"], "rateLimit"?: {"perSecond", "burst"?}}]}`,
    );
  }
  const ids = parsed.data.keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`${file}: key id "${twice}" is used twice`);
  return parsed.data.keys;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The outcome of checking a request: the key's id, or a status and message to answer with. */
export type Decision =
  { ok: true; keyId: string } | { ok: false; status: 401 | 403 | 429; error: string; retryAfterS?: number };

/** Checks keys, scopes and rate limits. */
export class AccessControl {
  private readonly hashes: { spec: KeySpec; hash: Buffer }[];
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    keys: KeySpec[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.hashes = keys.map((spec) => ({ spec, hash: Buffer.from(spec.sha256, 'hex') }));
  }

  /** Whether `given` (the key a client sent) may do `need` on `model` (absent: no model). */
  check(given: string | undefined, need: Permission, model?: string): Decision {
    if (!given)
      return { ok: false, status: 401, error: 'missing API key: send Authorization: Bearer <key> or x-api-key' };
    const hash = sha256(given);
    let found: KeySpec | undefined;
    for (const k of this.hashes) if (timingSafeEqual(k.hash, hash)) found = k.spec;
    if (!found) return { ok: false, status: 401, error: 'unknown API key' };
    const allowed = found.permissions.includes(need) || found.permissions.includes('admin');
    if (!allowed)
      return {
        ok: false,
        status: 403,
        error: `key "${found.id}" may not ${need}; it may ${found.permissions.join(', ')}`,
      };
    if (model !== undefined && found.models !== '*' && !found.models.includes(model))
      return {
        ok: false,
        status: 403,
        error: `key "${found.id}" may not reach model "${model}"; its models are ${found.models.join(', ')}`,
      };
    const wait = this.take(found);
    if (wait > 0)
      return {
        ok: false,
        status: 429,
        error: `key "${found.id}" is over its rate limit of ${found.rateLimit?.perSecond} requests/s`,
        retryAfterS: Math.ceil(wait),
      };
    return { ok: true, keyId: found.id };
  }

  /** Whether the key with this id may reach `model` (its scope, whatever the permission). */
  reaches(keyId: string, model: string): boolean {
    const spec = this.hashes.find((k) => k.spec.id === keyId)?.spec;
    return spec !== undefined && (spec.models === '*' || spec.models.includes(model));
  }

  /** Takes a token; returns 0, or the seconds until one is there. */
  private take(key: KeySpec): number {
    const limit = key.rateLimit;
    if (!limit) return 0;
    const burst = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond));
    const t = this.now();
    const b = this.buckets.get(key.id) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
    this.buckets.set(key.id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / limit.perSecond;
  }
}

/** A key spec for the single `--api-key`: every permission on every model, no rate limit. */
export function singleKey(apiKey: string): KeySpec {
  return { id: 'api-key', sha256: sha256(apiKey).toString('hex'), models: '*', permissions: ['admin'] };
}
