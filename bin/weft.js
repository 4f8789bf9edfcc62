#!/usr/bin/env node
// Runs the CLI bundle built at install (scripts/build-cli.mjs) when it matches the sources;
// otherwise (no bundle yet, or a source file changed since) the TypeScript sources through tsx.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);

function bundleIsCurrent() {
  if (process.env.WEFT_CLI_FROM_SOURCE) return false;
  try {
    const { inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    for (const [file, mtimeMs] of Object.entries(inputs)) {
      if (statSync(new URL(file, root)).mtimeMs !== mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

let main;
if (bundleIsCurrent()) {
  ({ main } = await import(new URL('dist/cli/weft.mjs', root).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../core/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
