/**
 * CLI start-up: `weft --version` against `node -e 0`, both started the same way (a fresh Node
 * process from this one), alternating, median of each. The ratio is node's time over ours, so 1.0
 * would mean the CLI costs nothing beyond starting Node. Also times `weft nodes`, `weft validate`
 * and a fully cached `weft run` of the iris example against the same `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportBench } from './report';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const weft = path.join(root, 'bin', 'weft.js');
const iris = path.join(root, 'resources', 'examples', 'iris-classification.weft.json');
const workspace = mkdtempSync(path.join(tmpdir(), 'weft-cli-bench-'));
const ROUNDS = 9;

function timeOf(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', cwd: root });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
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
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
