import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * An identity for a live process that survives pid reuse: boot id plus the start time in clock
 * ticks from /proc (Linux). Undefined where /proc is absent; then only the pid is checked.
 */
export function processStartStamp(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  if (!start) return undefined;
  const boot = readText('/proc/sys/kernel/random/boot_id')?.trim() ?? '';
  return `${boot}:${start}`;
}

export interface RunOwner {
  pid: number;
  host: string;
  processStart?: string;
}

/**
 * The process that owns this process's runs: itself, or the `weft` process that relaunched it
 * (bin/weft.js sets `WEFT_LAUNCHER_PID` to its pid), which is the process a user or a supervisor
 * started, waits on and kills; the relaunched process ends with it.
 */
export function currentOwner(): RunOwner {
  const launcher = Number(process.env.WEFT_LAUNCHER_PID);
  const pid = launcher > 0 && launcher === process.ppid ? launcher : process.pid;
  const stamp = processStartStamp(pid);
  return { pid, host: hostname(), ...(stamp ? { processStart: stamp } : {}) };
}

/**
 * Whether the process that owns a running record is still alive. A record written on another
 * host cannot be checked and counts as alive.
 */
export function ownerAlive(owner: RunOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid)
    return owner.processStart === undefined || owner.processStart === processStartStamp(process.pid);
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.processStart === undefined) return true;
  const stat = readText(`/proc/${owner.pid}/stat`);
  if (stat && /^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '')) return false;
  const now = processStartStamp(owner.pid);
  return now === undefined || now === owner.processStart;
}
