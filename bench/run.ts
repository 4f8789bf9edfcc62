/**
 * Runs every `bench/*.bench.ts` in its own process, one after another, so each measures on a
 * quiet machine. `npm run bench -- NAME` runs the benches whose file name contains NAME.
 * Each bench prints lines `bench <name>: ours <v> <unit>, peer <v> <unit>, ratio <r>`.
 * Weft's side runs as shipped: with the glibc malloc tunables that `weft run` and the desktop
 * engine host are started with (bin/mallocTunables.js); the Python peers get the same ones
 * (bench/peerEnv.ts).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { withMallocTunables } from '../bin/mallocTunables.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
const env = withMallocTunables(process.env) ?? process.env;
if (env.GLIBC_TUNABLES) console.log(`# Weft's side runs with GLIBC_TUNABLES=${env.GLIBC_TUNABLES}`);
let failed = 0;
for (const f of files) {
  console.log(`# ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, f)], { stdio: 'inherit', env });
  if (r.status !== 0) {
    failed++;
    console.log(`# ${f} exited with ${r.status}`);
  }
}
process.exitCode = failed ? 1 : 0;
