/**
 * Publishes an exported ONNX file as the next version of a model in a repository in Triton's
 * layout, unless a version with the same bytes is already there. The version folder appears in
 * one rename, so a server polling the folder never sees it half written.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../executors/Executor';
import { describeModel } from '../onnx/inspect';
import { openSession } from '../onnx/session';
import { batchable } from './servedVersion';
import { tritonConfig } from './triton';

/** What publishing did. */
export interface PublishReport {
  version: number;
  /** False when a version with the same content hash was already there. */
  created: boolean;
  sha256: string;
  dir: string;
  /** Whether config.pbtxt was written now (it is kept when already there). */
  wroteConfig: boolean;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Publishes `bytes` (a verified export) as version N+1 of `name` in `repository`. */
export async function publishVersion(repository: string, name: string, bytes: Uint8Array): Promise<PublishReport> {
  const modelDir = path.join(repository, name);
  await mkdir(modelDir, { recursive: true });
  const hash = sha256(bytes);
  const versions = (await readdir(modelDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && /^[1-9]\d*$/.test(d.name))
    .map((d) => Number(d.name))
    .sort((a, b) => a - b);
  for (const v of versions) {
    const existing = await readFile(path.join(modelDir, String(v), 'model.onnx')).catch(() => undefined);
    if (existing && sha256(existing) === hash)
      return { version: v, created: false, sha256: hash, dir: path.join(modelDir, String(v)), wroteConfig: false };
  }
  const { session } = await openSession(bytes, { provider: 'cpu', label: `${name} (export)` });
  const info = describeModel(session, bytes);
  await session.release();
  const configFile = path.join(modelDir, 'config.pbtxt');
  const hasConfig = await readFile(configFile).then(
    () => true,
    () => false,
  );
  if (!hasConfig) await writeFile(configFile, tritonConfig(info, name, batchable(info) ? 64 : 0));
  const version = (versions.at(-1) ?? 0) + 1;
  const staging = path.join(modelDir, `.staging-${version}-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  await writeFile(path.join(staging, 'model.onnx'), bytes);
  const card = info.metadata['weft.model_card'];
  if (card) await writeFile(path.join(staging, 'model_card.json'), `${JSON.stringify(JSON.parse(card), null, 2)}\n`);
  const dir = path.join(modelDir, String(version));
  try {
    await rename(staging, dir);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw new UserError(
      `cannot publish ${name} version ${version} in ${repository}: ${(e as Error).message}; was another publish running?`,
    );
  }
  return { version, created: true, sha256: hash, dir, wroteConfig: !hasConfig };
}
