/**
 * CLI start-up: `weft --version` against `node -e 0`, both started the same way (a fresh Node
 * process from this one), alternating, median of each. The ratio is node's time over ours, so 1.0
 * would mean the CLI costs nothing beyond starting Node. Also times `weft nodes`, `weft validate`,
 * a fully cached `weft run` of the iris example and a cold one (empty workspace, so every node
 * runs) against the same `node -e 0`, and `weft studio` until its URL answers an HTTP request
 * against a bare Node HTTP server started and asked the same way. Every command gets the
 * environment a user's shell gives it, without the GLIBC_TUNABLES that bench/run.ts sets for
 * in-process benches, so `run` and `studio` pay their relaunch with the malloc tunables as a user's
 * do (bin/weft.js).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportBench } from './report';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const weft = path.join(root, 'bin', 'weft.js');
const iris = path.join(root, 'resources', 'examples', 'iris-classification.weft.json');
const workspace = mkdtempSync(path.join(tmpdir(), 'weft-cli-bench-'));
/** This process's environment without the malloc tunables bench/run.ts adds. */
const userEnv: NodeJS.ProcessEnv = { ...process.env };
delete userEnv.GLIBC_TUNABLES;
const ROUNDS = 9;
const SLOW_ROUNDS = 5;
/** A bare Node HTTP server that announces its URL as `weft studio` does. */
const BARE_SERVER =
  "const s = require('node:http').createServer((q, r) => r.end('ok'));" +
  "s.listen(0, '127.0.0.1', () => console.log('weft studio: http://127.0.0.1:' + s.address().port + '/'));" +
  "process.on('SIGTERM', () => s.close());";

function timeOf(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', cwd: root, env: userEnv });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Milliseconds from starting `args` until the URL it prints answers a GET; then stops it. */
async function readyTimeOf(args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: userEnv });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /weft studio: (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
    });
    await (await fetch(url)).arrayBuffer();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

function coldRunTime(): number {
  const fresh = mkdtempSync(path.join(tmpdir(), 'weft-cli-bench-cold-'));
  try {
    return timeOf([weft, 'run', iris, '--workspace', fresh]);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const cases: [string, string[]][] = [
  ['cli-version', [weft, '--version']],
  ['cli-nodes', [weft, 'nodes']],
  ['cli-validate-iris', [weft, 'validate', iris]],
  ['cli-cached-run-iris', [weft, 'run', iris, '--workspace', workspace]],
];
try {
  timeOf([weft, 'run', iris, '--workspace', workspace]);
  for (const [name, args] of cases) {
    const ours: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(timeOf(args));
      peer.push(timeOf(['-e', '0']));
    }
    const o = median(ours);
    const p = median(peer);
    reportBench(`${name} (peer: node -e 0)`, o, p, 'ms', false);
  }
  const cold: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < SLOW_ROUNDS; i++) {
    cold.push(coldRunTime());
    bare.push(timeOf(['-e', '0']));
  }
  reportBench('cli-cold-run-iris (peer: node -e 0)', median(cold), median(bare), 'ms', false);
  const studio: number[] = [];
  const server: number[] = [];
  const studioWorkspace = mkdtempSync(path.join(tmpdir(), 'weft-cli-bench-studio-'));
  try {
    for (let i = 0; i < SLOW_ROUNDS; i++) {
      studio.push(await readyTimeOf([weft, 'studio', '--port', '0', '--workspace', studioWorkspace]));
      server.push(await readyTimeOf(['-e', BARE_SERVER]));
    }
  } finally {
    rmSync(studioWorkspace, { recursive: true, force: true });
  }
  reportBench('cli-studio-ready (peer: bare node http server)', median(studio), median(server), 'ms', false);
  console.log(
    `cli: targets on a quiet machine: --version, nodes, validate < 300 ms; cached run < 500 ms; cold iris run < 1500 ms; studio ready < 1000 ms`,
  );
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
