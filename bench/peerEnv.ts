import { WEFT_MALLOC_TUNABLES } from '../bin/mallocTunables.js';

/**
 * The environment a Python peer runs in, at its best: our machines set OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (older OpenBLAS builds misbehave on some processors), which hold a current
 * OpenBLAS to older kernels, so both are unset for the peer's process only; and OpenBLAS and OpenMP
 * get the same thread count as torch.set_num_threads, so a "1-thread" peer does not run two.
 * glibc's malloc gets fixed thresholds (`PEER_MALLOC`): with its default, moving ones, a freed
 * block of a few MiB goes back to the kernel and the next one is faulted in again, page by page,
 * and on our development VM (16–18 µs a page fault) that halved PyTorch's Transformer step rate
 * in some runs and not others. They are the ones Weft's own processes are started with
 * (bin/mallocTunables.js), so both sides run with the same.
 */
const PEER_MALLOC = WEFT_MALLOC_TUNABLES;

export function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.OPENBLAS_NUM_THREADS = String(threads);
  env.OMP_NUM_THREADS = String(threads);
  env.MKL_NUM_THREADS = String(threads);
  if (!env.GLIBC_TUNABLES?.includes(PEER_MALLOC))
    env.GLIBC_TUNABLES = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${PEER_MALLOC}` : PEER_MALLOC;
  return env;
}

export function describePeerEnv(threads: number): string {
  return `peer env: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=${threads}, GLIBC_TUNABLES=${PEER_MALLOC}`;
}
