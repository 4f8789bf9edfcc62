/**
 * The environment a Python peer runs in, at its best: our machines set OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (older OpenBLAS builds misbehave on some processors), which hold a current
 * OpenBLAS to older kernels, so both are unset for the peer's process only; and OpenBLAS and OpenMP
 * get the same thread count as torch.set_num_threads, so a "1-thread" peer does not run two.
 */
export function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.OPENBLAS_NUM_THREADS = String(threads);
  env.OMP_NUM_THREADS = String(threads);
  env.MKL_NUM_THREADS = String(threads);
  return env;
}

export function describePeerEnv(threads: number): string {
  return `peer env: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=${threads}`;
}
