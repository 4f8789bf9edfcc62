import { useCallback, useEffect, useState } from 'react';
import type { ServableModel, ServerView } from '../../core/common/protocol/servingApi';
import { engineClient } from '../engine/client';
import { DriftTable } from './DriftTable';
import { TrafficCharts } from './TrafficCharts';
import { useServerTraffic } from './useServerTraffic';
import './serving.css';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const ms = (s: number | null | undefined): string =>
  s === null || s === undefined ? '—' : `${(s * 1000).toFixed(2)} ms`;
const num = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? '—' : v.toFixed(digits);

function Tile({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="serving-tile">
      <span className="serving-tile-label">{label}</span>
      <span className="serving-tile-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

/**
 * Starts and stops a local model server (Open Inference Protocol on 127.0.0.1) for an exported
 * model or a model repository in the workspace, and shows its live traffic and input drift.
 */
export function ServingView() {
  const [models, setModels] = useState<ServableModel[]>([]);
  const [path, setPath] = useState('');
  const [port, setPort] = useState('0');
  const [batching, setBatching] = useState(false);
  const [server, setServer] = useState<ServerView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const traffic = useServerTraffic(server?.id ?? null, server?.startedAt ?? 0);

  const refresh = useCallback(async () => {
    try {
      const [found, running] = await Promise.all([
        engineClient().invoke('serving.models', {}),
        engineClient().invoke('serving.list', {}),
      ]);
      setModels(found);
      setPath((p) => p || running[0]?.path || found[0]?.path || '');
      setServer(running[0] ?? null);
    } catch (e) {
      setError(message(e));
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const start = async (): Promise<void> => {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      setError('the port is a whole number from 0 to 65535 (0 picks a free one)');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setServer(await engineClient().invoke('serving.start', { path: path.trim(), port: n, batching }));
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const stop = async (): Promise<void> => {
    if (!server) return;
    setBusy(true);
    try {
      await engineClient().invoke('serving.stop', { id: server.id });
      setServer(null);
      setError(null);
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  const latest = traffic.latest;
  const last = traffic.points.at(-1)?.traffic;
  const firstModel = server?.models[0];
  return (
    <div className="serving-view" data-testid="serving-view">
      <div className="serving-toolbar">
        <label>
          Model{' '}
          <input
            list="serving-models"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="out/model.onnx or a repository folder"
            disabled={Boolean(server)}
            size={36}
            data-testid="serving-path"
          />
          <datalist id="serving-models">
            {models.map((m) => (
              <option key={m.path} value={m.path}>
                {m.kind === 'repository' ? 'model repository' : 'ONNX model'}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          Port{' '}
          <input
            value={port}
            onChange={(e) => setPort(e.target.value)}
            inputMode="numeric"
            size={6}
            disabled={Boolean(server)}
            title="0 picks a free port"
            data-testid="serving-port"
          />
        </label>
        <label title="Gather concurrent requests into one onnxruntime call">
          <input
            type="checkbox"
            checked={batching}
            onChange={(e) => setBatching(e.target.checked)}
            disabled={Boolean(server)}
            data-testid="serving-batching"
          />{' '}
          Dynamic batching
        </label>
        {server ? (
          <button type="button" onClick={() => void stop()} disabled={busy} data-testid="serving-stop">
            Stop server
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void start()}
            disabled={busy || !path.trim()}
            data-testid="serving-start"
          >
            Start server
          </button>
        )}
        <button type="button" onClick={() => void refresh()} title="Look for models in the workspace again">
          ↻
        </button>
      </div>
      {error && (
        <p className="weft-error-text" role="alert" data-testid="serving-error">
          {error}
        </p>
      )}
      {!server && !error && (
        <p className="weft-muted">
          {models.length
            ? 'Pick an exported model (.onnx) or a model repository and start a server on 127.0.0.1.'
            : 'No models in the workspace yet: run a pipeline with an export or deploy node, then press ↻.'}
        </p>
      )}
      {server && (
        <>
          <p className="serving-status" data-testid="serving-status">
            Serving <b>{server.path}</b> at <code data-testid="serving-url">{server.url}</code>
            {firstModel && (
              <>
                {' '}
                · infer: <code>POST {`${server.url}/v2/models/${firstModel}/infer`}</code>
              </>
            )}
          </p>
          {traffic.error && <p className="weft-error-text">{traffic.error}</p>}
          <div className="serving-tiles">
            <Tile label="Requests" value={String(latest?.requests ?? 0)} testId="serving-requests" />
            <Tile label="Requests/s" value={num(last?.requestsPerSecond)} testId="serving-rps" />
            <Tile label="p50" value={ms(last?.p50 ?? traffic.overall?.p50)} testId="serving-p50" />
            <Tile label="p99" value={ms(last?.p99 ?? traffic.overall?.p99)} testId="serving-p99" />
            <Tile label="Errors" value={String(latest?.errors ?? 0)} testId="serving-errors" />
            <Tile label="Rows per call" value={num(traffic.overall?.meanBatchRows, 2)} testId="serving-batch" />
          </div>
          <TrafficCharts points={traffic.points} />
          <h3>Input drift</h3>
          <DriftTable features={latest?.features ?? []} />
          {server.log.length > 0 && (
            <details>
              <summary>Server log</summary>
              <pre className="serving-log">{server.log.join('\n')}</pre>
            </details>
          )}
        </>
      )}
    </div>
  );
}
