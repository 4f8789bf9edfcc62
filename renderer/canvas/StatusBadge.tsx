import type { NodeRunState } from '../store/runSlice';

const labels: Record<string, string> = {
  queued: 'queued',
  running: 'running',
  cached: 'cached',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The node's run status as a small coloured pill; nothing when idle. */
export function StatusBadge({ run }: { run: NodeRunState | undefined }) {
  if (!run || run.status === 'idle') return null;
  const pct = run.status === 'running' && run.fraction !== undefined ? ` ${Math.round(run.fraction * 100)}%` : '';
  return (
    <span
      className={`weft-badge badge-${run.status}`}
      data-testid="status-badge"
      data-status={run.status}
      title={run.error ?? run.message ?? ''}
    >
      {labels[run.status]}
      {pct}
    </span>
  );
}
