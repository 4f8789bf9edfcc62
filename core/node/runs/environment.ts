import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../packageRoot';

function versionOf(packageJson: string | URL): string | undefined {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

let cached: { weft: string; onnxruntime?: string } | undefined;

/** Weft's and onnxruntime-node's versions, read from their package.json files (no native load). */
export function softwareVersions(): { weft: string; onnxruntime?: string } {
  if (cached) return cached;
  const weft = versionOf(path.join(packageRoot(), 'package.json')) ?? 'unknown';
  let onnxruntime: string | undefined;
  try {
    onnxruntime = versionOf(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  } catch {
    onnxruntime = undefined;
  }
  cached = { weft, ...(onnxruntime ? { onnxruntime } : {}) };
  return cached;
}

/** What a run record keeps about the machine and software. */
export function runEnvironment(): {
  weft: string;
  onnxruntime?: string;
  node: string;
  platform: string;
  arch: string;
  providers: Record<string, string>;
} {
  return {
    ...softwareVersions(),
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    providers: {},
  };
}
