#!/usr/bin/env node
// Runs the CLI bundle built at install (scripts/build-cli.mjs) when it matches the sources;
// otherwise (no bundle yet, or a source file changed since) the TypeScript sources through tsx.
// The long-running commands are relaunched first with glibc's malloc tunables (bin/mallocTunables.js).
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withMallocTunables } from './mallocTunables.js';

const root = new URL('..', import.meta.url);

/** Commands that train, evaluate or serve in their own process: worth one more process start (~0.1 s). */
const RELAUNCHED = new Set(['run', 'studio', 'serve', 'serve-model']);
/** Signals passed on to the relaunched process, which runs in a session of its own. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGWINCH'];

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

/**
 * Runs this command again in a child process with `env` and ends as it ends (its exit code, or
 * the signal that ended it). The child is in a session of its own, so Ctrl-C reaches it once,
 * passed on from here; it records this process's pid as the owner of its runs
 * (`WEFT_LAUNCHER_PID`, core/node/runs/ownerProcess.ts) and ends itself at once if this process
 * is killed (the IPC channel closes).
 */
function relaunch(env) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...env, WEFT_LAUNCHER_PID: String(process.pid) },
      detached: true,
    },
  );
  const pass = (signal) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, pass);
  // job control (Ctrl-Z, fg, bg): the child is not in the terminal's process group, so it is
  // stopped and continued with this process
  const stop = () => {
    child.kill('SIGSTOP');
    process.kill(process.pid, 'SIGSTOP');
  };
  const resume = () => child.kill('SIGCONT');
  process.on('SIGTSTP', stop);
  process.on('SIGCONT', resume);
  child.on('error', (e) => {
    console.error(`weft: could not start the command's process: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, pass);
    process.off('SIGTSTP', stop);
    process.off('SIGCONT', resume);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/** In a relaunched process: end with the launcher (killed outright, it cannot pass anything on). */
function endWithLauncher() {
  if (!process.channel) return;
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const launched = process.env.WEFT_LAUNCHER_PID !== undefined;
const env = !launched && RELAUNCHED.has(command) ? withMallocTunables(process.env) : undefined;
if (env) {
  relaunch(env);
} else {
  if (launched) endWithLauncher();
  let main;
  if (bundleIsCurrent()) {
    ({ main } = await import(new URL('dist/cli/weft.mjs', root).href));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../core/cli/main.ts'));
  }
  process.exitCode = await main(process.argv.slice(2));
}
