import { Suspense, lazy, type ComponentType } from 'react';
import { loadDocument, type PipelineDocument } from '../../core/common';
import type { RunRecord } from '../../core/common/runs';
import { engineClient } from '../engine/client';
import { confirmDiscard } from '../files/fileActions';
import { registry } from '../store/nodeCatalog';
import { useStudio } from '../store/useStudio';
import type { BottomTab } from '../store/uiSlice';
import { RunLog } from './RunLog';
import { TrainingCurves } from './TrainingCurves';
import { TrialsTable } from './TrialsTable';

interface RunsViewLike {
  client: { call: (channel: never, params: never) => Promise<unknown> };
  onOpenPipeline?: (document: PipelineDocument, title: string, run: RunRecord) => void;
}

/** The runs view lives in renderer/runs/ (experiment tracking); the tab shows it when it is there. */
const runsModules = import.meta.glob<{ RunsView: ComponentType<RunsViewLike> }>('../runs/RunsView.tsx');
const runsLoader = runsModules['../runs/RunsView.tsx'];
const RunsView = runsLoader ? lazy(async () => ({ default: (await runsLoader()).RunsView })) : null;

/** Results views (tables, charts, heatmaps) load when the tab first opens, not with the canvas. */
const ResultsPanel = lazy(async () => ({ default: (await import('../results/ResultsPanel')).ResultsPanel }));
/** The model server view (renderer/serving/) loads when its tab first opens. */
const ServingView = lazy(async () => ({ default: (await import('../serving/ServingView')).ServingView }));

const runsClient = { call: (channel: never, params: never) => engineClient().invoke(channel, params) };
/** Loads a recorded run's pipeline onto the canvas with that run's results (from the cache), not the last run's. */
const openRunPipeline = (document: PipelineDocument, _title: string, run: RunRecord): void => {
  if (!confirmDiscard()) return;
  const loaded = loadDocument(document, registry);
  if (!loaded.ok) {
    useStudio.getState().toast(`Cannot open run ${run.id.slice(0, 8)}: ${loaded.errors.join('; ')}`, 'error');
    return;
  }
  const s = useStudio.getState();
  s.loadDocument(loaded.document, { path: null, revision: null, readOnly: false }, { dirty: true });
  s.showPastRun(run);
};

/** Loads a search trial's recorded pipeline onto the canvas. */
const openTrialPipeline = (recordId: string): void => {
  void engineClient()
    .invoke('runs.get', { id: recordId })
    .then((record) => openRunPipeline(record.pipeline.document as PipelineDocument, record.id, record))
    .catch((e: unknown) =>
      useStudio.getState().toast(`Could not open trial ${recordId}: ${(e as Error).message}`, 'error'),
    );
};

/** Run log with live training curves, results of the chosen node, the runs history, and local model servers. */
export function BottomPanel() {
  const tab = useStudio((s) => s.bottomTab);
  const setTab = useStudio((s) => s.setBottomTab);
  const epochs = useStudio((s) => s.epochs);
  const trials = useStudio((s) => s.trials);
  const maximized = useStudio((s) => s.bottomMaximized);
  const setMaximized = useStudio((s) => s.setBottomMaximized);
  const tabs: [BottomTab, string][] = [
    ['run', 'Run'],
    ['results', 'Results'],
    ...(RunsView ? ([['runs', 'Runs']] as [BottomTab, string][]) : []),
    ['serving', 'Serving'],
  ];
  return (
    <section
      className={`weft-bottom${maximized ? ' maximized' : ''}`}
      data-testid="bottom-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && maximized) {
          e.stopPropagation();
          setMaximized(false);
        }
      }}
    >
      <nav className="weft-tabs">
        {tabs.map(([id, label]) => (
          <button
            type="button"
            key={id}
            className={tab === id ? 'active' : ''}
            onClick={() => setTab(id)}
            data-testid={`tab-${id}`}
          >
            {label}
          </button>
        ))}
        <span className="weft-tabs-spacer" />
        <button
          type="button"
          onClick={() => setMaximized(!maximized)}
          title={maximized ? 'Restore the panel (Esc)' : 'Fill the window with this panel'}
          aria-pressed={maximized}
          data-testid="bottom-maximize"
        >
          {maximized ? '⤡ Restore' : '⤢ Maximise'}
        </button>
      </nav>
      <div className="weft-bottom-body">
        {tab === 'run' && (
          <div className="weft-run-tab">
            <RunLog />
            <div className="weft-run-curves">
              {Object.entries(trials).map(([id, list]) => (
                <TrialsTable key={`trials-${id}`} nodeId={id} trials={list} onOpen={openTrialPipeline} />
              ))}
              {Object.entries(epochs).map(([id, list]) => (
                <TrainingCurves key={id} nodeId={id} epochs={list} />
              ))}
            </div>
          </div>
        )}
        {tab === 'results' && (
          <Suspense fallback={<p className="weft-muted">Loading results…</p>}>
            <ResultsPanel />
          </Suspense>
        )}
        {tab === 'runs' && RunsView && (
          <Suspense fallback={<p className="weft-muted">Loading runs…</p>}>
            <RunsView client={runsClient} onOpenPipeline={openRunPipeline} />
          </Suspense>
        )}
        {tab === 'serving' && (
          <Suspense fallback={<p className="weft-muted">Loading serving…</p>}>
            <ServingView />
          </Suspense>
        )}
      </div>
    </section>
  );
}
