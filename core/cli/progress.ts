import cliProgress from 'cli-progress';
import { describeCancelled, type EngineEvent, type TrialUpdate } from '../common';

const short = (v: unknown): string =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : JSON.stringify(v);

/** One line for a search trial: its number, values, state and the best so far. */
export function trialLine(nodeId: string, t: TrialUpdate): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k.slice(k.indexOf('.') + 1)}=${short(v)}`)
    .join(' ');
  const state =
    t.status === 'running'
      ? t.epoch !== undefined
        ? `epoch ${t.epoch}${t.value !== undefined ? ` ${t.epochMetric ?? ''} ${t.value.toFixed(4)}` : ''}`
        : 'running'
      : t.status === 'finished'
        ? `finished ${t.metric} ${t.objective !== undefined ? t.objective.toFixed(4) : '?'}${t.cost !== undefined ? ` cost ${short(t.cost)}` : ''}`
        : `${t.status}${t.reason ? `: ${t.reason}` : ''}`;
  const best = t.best ? ` | best #${t.best.index} ${t.metric} ${t.best.objective.toFixed(4)}` : '';
  return `${nodeId} trial ${t.index + 1}/${t.of} [${params}] ${state}${best}`;
}

/**
 * Renders engine events in a terminal: one progress bar per node on a TTY, plain status lines
 * (on stderr) elsewhere so piped output stays readable.
 */
export function createProgressRenderer(stream: NodeJS.WriteStream = process.stderr): {
  onEvent: (e: EngineEvent) => void;
  stop: () => void;
} {
  if (!stream.isTTY) {
    return {
      onEvent: (e) => {
        switch (e.type) {
          case 'node.started':
            stream.write(`▶ ${e.nodeId}\n`);
            break;
          case 'node.cached':
            stream.write(`= ${e.nodeId} (cached)\n`);
            break;
          case 'node.finished':
            stream.write(`✓ ${e.nodeId} ${e.durationMs} ms\n`);
            break;
          case 'node.failed':
            stream.write(`✗ ${e.nodeId}: ${e.error}\n`);
            break;
          case 'node.cancelled':
            stream.write(`■ ${e.nodeId}: ${describeCancelled(e)}\n`);
            break;
          case 'node.log':
            if (e.level !== 'info') stream.write(`  ${e.level}: ${e.nodeId}: ${e.message}\n`);
            break;
          case 'search.trial':
            if (e.trial.status !== 'running' || e.trial.epoch === undefined)
              stream.write(`  ${trialLine(e.nodeId, e.trial)}\n`);
            break;
          case 'epoch.metrics':
            stream.write(
              `  ${e.nodeId} epoch ${e.epoch}: ${Object.entries(e.metrics)
                .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
                .join(' ')}\n`,
            );
            break;
          default:
            break;
        }
      },
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format: ' {bar} {percentage}% | {node} | {status}',
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const trialBars = new Map<string, cliProgress.SingleBar>();
  const bar = (id: string): cliProgress.SingleBar => {
    let b = bars.get(id);
    if (!b) {
      b = multi.create(100, 0, { node: id.padEnd(16), status: 'queued' });
      bars.set(id, b);
    }
    return b;
  };
  return {
    onEvent: (e) => {
      switch (e.type) {
        case 'run.started':
          for (const id of e.nodeIds) bar(id);
          break;
        case 'node.started':
          bar(e.nodeId).update(0, { status: 'running' });
          break;
        case 'node.progress':
          bar(e.nodeId).update(Math.round(e.fraction * 100), { status: e.message ?? 'running' });
          break;
        case 'node.cached':
          bar(e.nodeId).update(100, { status: 'cached' });
          break;
        case 'node.finished':
          bar(e.nodeId).update(100, { status: `done in ${e.durationMs} ms` });
          break;
        case 'node.failed':
          bar(e.nodeId).update({ status: `failed: ${e.error}` });
          break;
        case 'node.cancelled':
          bar(e.nodeId).update({ status: describeCancelled(e) });
          break;
        case 'search.trial': {
          const key = `${e.nodeId}#${e.trial.index}`;
          const line = trialLine(e.nodeId, e.trial);
          let b = trialBars.get(key);
          if (e.trial.status === 'running') {
            if (!b) {
              b = multi.create(1, 0, { node: `  trial ${e.trial.index + 1}`.padEnd(16), status: line });
              trialBars.set(key, b);
            }
            b.update(0, { status: line });
          } else {
            if (b) multi.remove(b);
            trialBars.delete(key);
            multi.log(`${line}\n`);
          }
          break;
        }
        case 'epoch.metrics':
          bar(e.nodeId).update({
            status: `epoch ${e.epoch} ${Object.entries(e.metrics)
              .map(([k, v]) => `${k}=${v.toFixed(4)}`)
              .join(' ')}`,
          });
          break;
        default:
          break;
      }
    },
    stop: () => multi.stop(),
  };
}
