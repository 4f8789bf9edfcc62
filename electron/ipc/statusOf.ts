/** The status an error answers with across IPC: its own (StudioError, engine host errors) or 500. */
export function statusOf(e: unknown): number {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}
