import { useEffect, useState } from 'react';
import type { OutputView } from '../../core/common';
import { TrainingCurves } from '../run/TrainingCurves';
import { useShallow } from 'zustand/react/shallow';
import { definitionOf } from '../store/nodeCatalog';
import { useStudio } from '../store/useStudio';
import { DataTable } from './DataTable';
import { MetricsView } from './MetricsView';
import { PreviewView } from './PreviewView';
import { TreeDiagram } from './TreeDiagram';

function Output({ out, nodeId, runId }: { out: OutputView; nodeId: string; runId: string }) {
  const [split, setSplit] = useState(0);
  switch (out.kind) {
    case 'metrics':
      return <MetricsView metrics={out.metrics} />;
    case 'preview': {
      const p = out.previews[Math.min(split, out.previews.length - 1)];
      return (
        <div>
          {out.previews.length > 1 && (
            <div className="weft-subtabs">
              {out.previews.map((v, i) => (
                <button type="button" key={v.title} className={i === split ? 'active' : ''} onClick={() => setSplit(i)}>
                  {v.title}
                </button>
              ))}
            </div>
          )}
          {p && <PreviewView preview={p} nodeId={nodeId} runId={runId} />}
        </div>
      );
    }
    case 'model':
      return (
        <div className="weft-card" data-testid="model-view">
          <h4>Trained model</h4>
          <p>
            {out.model.task} · features {JSON.stringify(out.model.featureShape)} ·{' '}
            {out.model.classNames ? `${out.model.classNames.length} classes · ` : ''}
            trained on {out.model.provider} · ONNX {(out.model.onnxBytes / 1024).toFixed(1)} KiB ·{' '}
            {out.model.history.length} epochs
          </p>
          {out.model.history.length > 0 && <TrainingCurves nodeId="history" epochs={out.model.history} />}
        </div>
      );
    case 'tables':
      return (
        <>
          {out.tables.map((t) => (
            <div className="weft-card" key={t.title}>
              <h4>{t.title}</h4>
              <DataTable columns={t.columns} rows={t.rows} />
            </div>
          ))}
        </>
      );
    case 'other':
      return <p className="weft-muted">{out.text}</p>;
  }
}

/** The results of one node from the last run: outputs by port, summary numbers, files written. */
export function ResultsPanel() {
  const nodeId = useStudio((s) => s.resultsNode);
  const view = useStudio((s) => (nodeId ? s.results[nodeId] : undefined));
  const loading = useStudio((s) => (nodeId ? s.resultsLoading[nodeId] : false));
  const status = useStudio((s) => (nodeId ? s.nodeRun[nodeId]?.status : undefined));
  const fetchResult = useStudio((s) => s.fetchResult);
  const produced = useStudio((s) =>
    s.nodes
      .filter((n) => ['done', 'cached'].includes(s.nodeRun[n.id]?.status ?? ''))
      .map((n) => n.id)
      .join(','),
  );
  const showResults = useStudio((s) => s.showResults);
  const pastRun = useStudio((s) => s.pastRun);
  const labels = useStudio(
    useShallow((s) =>
      Object.fromEntries(s.nodes.map((n) => [n.id, n.data.label || definitionOf(n.data.type)?.title || n.id] as const)),
    ),
  );
  useEffect(() => {
    if (nodeId && view === undefined && (status === 'done' || status === 'cached')) void fetchResult(nodeId);
  }, [nodeId, view, status, fetchResult]);
  const ids = produced ? produced.split(',') : [];
  return (
    <div className="weft-results" data-testid="results-panel">
      <div className="weft-subtabs">
        {ids.map((id) => (
          <button
            type="button"
            key={id}
            className={id === nodeId ? 'active' : ''}
            onClick={() => showResults(id)}
            data-testid={`results-node-${id}`}
            title={id}
          >
            {labels[id] ?? id}
          </button>
        ))}
      </div>
      {pastRun && (
        <p className="weft-muted" data-testid="results-past-run">
          Results of run {pastRun.id.slice(0, 8)} ({new Date(pastRun.startedAt).toLocaleString()}), as kept by the
          cache. Run the pipeline again to see new ones.
        </p>
      )}
      {!nodeId && <p className="weft-muted">Run the pipeline, then pick a node to see its results.</p>}
      {nodeId && loading && <p className="weft-muted">Loading results of {nodeId}…</p>}
      {nodeId && view === null && (
        <p className="weft-muted">
          {pastRun ? `${nodeId} has no results in this run.` : `${nodeId} has no results yet: run it first.`}
        </p>
      )}
      {view && (
        <div>
          {view.notKept && (
            <div className="weft-card" data-testid="result-not-kept">
              <h4>{labels[view.nodeId] ?? view.nodeId}: outputs not kept</h4>
              <p className="weft-muted">{view.notKept}</p>
              {view.summary?.metrics && !view.summary.text && (
                <DataTable
                  columns={['metric', 'value']}
                  rows={Object.entries(view.summary.metrics).map(([k, v]) => [k, v])}
                />
              )}
            </div>
          )}
          {view.summary?.files && view.summary.files.length > 0 && (
            <div className="weft-card" data-testid="result-files">
              <h4>Files written</h4>
              <ul>
                {view.summary.files.map((f) => (
                  <li key={f}>
                    <code>{f}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {view.summary?.text && !view.outputs.some((o) => o.kind === 'metrics') && (
            <pre className="weft-summary-text">{view.summary.text}</pre>
          )}
          {view.summary?.tree && <TreeDiagram sketch={view.summary.tree} />}
          {view.outputs.map((o) => (
            <section key={o.port} className="weft-output">
              <h3>
                {view.nodeId}.{o.port}
              </h3>
              <Output out={o} nodeId={view.nodeId} runId={view.runId} />
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
