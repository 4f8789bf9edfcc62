#!/usr/bin/env node
// Runs the CLI bundle built at install (scripts/build-cli.mjs) when it matches the sources;
// otherwise (no bundle yet, or a source file changed since) the TypeScript sources through tsx.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);

function bundleIsCurrent() {
  if (process.env.WEFT_CLI_FROM_SOURCE) return false;
  try {
    const { inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    // plain paths: a URL per file would double the cost of these ~400 checks
    const dir = fileURLToPath(root);
    for (const [file, mtimeMs] of Object.entries(inputs)) {
      if (statSync(dir + file).mtimeMs !== mtimeMs) return false;
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
