import { MALLOC_SPEED_TUNABLES, WEFT_MALLOC_TUNABLES } from '../bin/mallocTunables.js';

/**
 * The environment a Python peer runs in, at its best: our machines set OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (older OpenBLAS builds misbehave on some processors), which hold a current
 * OpenBLAS to older kernels, so both are unset for the peer's process only; and OpenBLAS and OpenMP
 * get the same thread count as torch.set_num_threads, so a "1-thread" peer does not run two.
 * glibc's malloc gets fixed thresholds (`PEER_MALLOC`): with its default, moving ones, a freed
 * block of a few MiB goes back to the kernel and the next one is faulted in again, page by page,
 * and on our development VM (16–18 µs a page fault) that halved PyTorch's Transformer step rate
 * in some runs and not others. They are the speed settings Weft's own processes are started with
 * (bin/mallocTunables.js: fixed thresholds and transparent huge pages), so both sides run with the
 * same; Weft's limit on malloc arenas, which saves memory, is not imposed on the peer.
 */
const PEER_MALLOC = MALLOC_SPEED_TUNABLES;

export function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.OPENBLAS_NUM_THREADS = String(threads);
  env.OMP_NUM_THREADS = String(threads);
  env.MKL_NUM_THREADS = String(threads);
  // Weft's side got WEFT_MALLOC_TUNABLES appended (bench/run.ts): the peer gets the speed part only
  if (env.GLIBC_TUNABLES?.endsWith(WEFT_MALLOC_TUNABLES))
    env.GLIBC_TUNABLES = env.GLIBC_TUNABLES.slice(0, -WEFT_MALLOC_TUNABLES.length) + PEER_MALLOC;
  else if (!env.GLIBC_TUNABLES?.includes(PEER_MALLOC))
    env.GLIBC_TUNABLES = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${PEER_MALLOC}` : PEER_MALLOC;
  return env;
}

export function describePeerEnv(threads: number): string {
  return `peer env: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=${threads}, GLIBC_TUNABLES=${PEER_MALLOC}`;
}
