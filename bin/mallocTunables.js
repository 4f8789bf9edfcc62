// glibc malloc settings for Weft's engine processes (GLIBC_TUNABLES; read by glibc at process
// start, so they are given to a process when it is started: bin/weft.js relaunches its long-running
// commands with them, the desktop app starts its engine host with them, `npm run bench` its Weft side).
//
// With glibc's default, moving thresholds a freed block of a few MiB (a step's gradient, a split's
// index arrays, the CSV reader's buffers) goes back to the kernel, and the next allocation faults
// it in again page by page. onnxruntime-node hands each output to JavaScript in fresh memory, so a
// training step pays this every step. Fixed thresholds keep freed memory in the process for reuse:
// blocks up to 32 MiB come from the heap, and the heap is not trimmed. The cost is that a process
// keeps the memory it peaked at until it ends. Measured on the development VM (page faults at
// 16-18 us): see docs/ARCHITECTURE.md, "How a CPU step is run".
//
// `hugetlb=1` (glibc 2.35 and later; older ones ignore it) has malloc mark the memory it maps
// with madvise(MADV_HUGEPAGE), so where the kernel's transparent huge pages are set to `madvise`
// (Debian's and Ubuntu's default) a new block is faulted in 2 MiB at a time instead of 4 KiB: on the
// development VM, allocating and touching 256 MiB took 19-65 ms instead of 785-811 ms, and the
// 1M-row pipeline's wall time went from 7.6 to 6.5 s (3 Dec 2026; docs/ARCHITECTURE.md, "Tables at
// a million rows"). The cost is memory: a block is resident in 2 MiB pieces, and each thread's
// malloc arena grows in them, which put the 300k-row scale test's peak at 324-383 MiB against
// 304-310 without huge pages. `arena_max=2` (two arenas, not eight per core) gave 299-358 MiB in nine
// runs, with the 1M-row pipeline no slower (5.16 / 5.78 s against 5.55 / 6.30 s, alternating).

/** The settings for speed: the same values the benches give the Python peers (bench/peerEnv.ts). */
export const MALLOC_SPEED_TUNABLES =
  'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=2147483647:glibc.malloc.hugetlb=1';

/** Weft's tunables: the speed settings, and two malloc arenas (memory: see above). */
export const WEFT_MALLOC_TUNABLES = `${MALLOC_SPEED_TUNABLES}:glibc.malloc.arena_max=2`;

/**
 * `env` with the tunables added to GLIBC_TUNABLES, on Linux; undefined where there is nothing to add:
 * another system, the tunables already there, or malloc tunables the user set (theirs are kept as
 * they are).
 * @param {NodeJS.ProcessEnv} env
 * @param {string} [platform]
 * @returns {NodeJS.ProcessEnv | undefined}
 */
export function withMallocTunables(env, platform = process.platform) {
  if (platform !== 'linux') return undefined;
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.includes('glibc.malloc.')) return undefined;
  return { ...env, GLIBC_TUNABLES: current ? `${current}:${WEFT_MALLOC_TUNABLES}` : WEFT_MALLOC_TUNABLES };
}
