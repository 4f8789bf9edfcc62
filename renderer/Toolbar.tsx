import { useEffect, useState } from 'react';
import { engineClient } from './engine/client';
import { confirmDiscard, newDocument, openPath, openPipeline, save, startSaveAs } from './files/fileActions';
import { useStudio } from './store/useStudio';
import { useFitAll } from './canvas/useFitAll';

export function useLayoutAction(): () => Promise<void> {
  const fitAll = useFitAll();
  return async () => {
    const { autoLayout } = await import('./canvas/autoLayout');
    const s = useStudio.getState();
    s.setPositions(await autoLayout(s.nodes, s.edges));
    window.setTimeout(() => fitAll(200), 50);
  };
}

/** File, edit, layout and run commands. */
export function Toolbar() {
  const running = useStudio((s) => s.running);
  const empty = useStudio((s) => s.nodes.length === 0);
  const pipelineName = useStudio((s) => s.metadata.name ?? '');
  const dirty = useStudio((s) => s.dirty);
  const file = useStudio((s) => s.file);
  const canUndo = useStudio((s) => s.past.length > 0);
  const canRedo = useStudio((s) => s.future.length > 0);
  const selectedId = useStudio((s) => s.nodes.find((n) => n.selected)?.id);
  const invalid = useStudio((s) => Object.keys(s.validation.errors).length);
  const runStatus = useStudio((s) => s.runStatus);
  const connected = useStudio((s) => s.connected);
  const fitAll = useFitAll();
  const layout = useLayoutAction();
  const [recent, setRecent] = useState<string[]>([]);
  const s = useStudio.getState;

  useEffect(() => {
    document.title = `${dirty ? '• ' : ''}${file.path ?? 'Untitled'} — Weft Studio`;
  }, [dirty, file.path]);

  return (
    <header className="weft-toolbar">
      <span className="weft-brand">Weft</span>
      <div className="weft-group">
        <button type="button" onClick={newDocument} title="New (Ctrl+Alt+N)">
          New
        </button>
        <button type="button" onClick={() => void openPipeline()} title="Open (Ctrl+O)">
          Open…
        </button>
        <select
          aria-label="Recent files"
          value=""
          onFocus={() => void engineClient().invoke('recent.list', {}).then(setRecent)}
          onChange={(e) => e.target.value && confirmDiscard() && void openPath(e.target.value)}
        >
          <option value="">Recent</option>
          {recent.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void save()} data-testid="save" title="Save (Ctrl+S)">
          Save
        </button>
        <button type="button" onClick={() => void startSaveAs()} title="Save as (Ctrl+Shift+S)">
          Save as…
        </button>
        <button type="button" onClick={() => s().openDialog({ kind: 'examples' })} data-testid="examples-button">
          Examples
        </button>
      </div>
      <div className="weft-group">
        <button type="button" disabled={!canUndo} onClick={() => s().undo()} title="Undo (Ctrl+Z)" data-testid="undo">
          Undo
        </button>
        <button
          type="button"
          disabled={!canRedo}
          onClick={() => s().redo()}
          title="Redo (Ctrl+Shift+Z)"
          data-testid="redo"
        >
          Redo
        </button>
        <button type="button" onClick={() => void layout()} title="Auto-layout (Shift+L)" data-testid="auto-layout">
          Layout
        </button>
        <button type="button" onClick={() => fitAll(200)} title="Fit view (Shift+1)">
          Fit
        </button>
      </div>
      <div className="weft-group">
        <span title={empty ? 'Nothing to run yet: add nodes from the palette or open an example' : 'Run (Ctrl+Enter)'}>
          <button
            type="button"
            className="primary"
            disabled={running || empty}
            onClick={() => void s().run()}
            data-testid="run"
          >
            ▶ Run
          </button>
        </span>
        <button
          type="button"
          disabled={running || !selectedId}
          onClick={() => selectedId && void s().run(selectedId)}
          title="Run the selected node and what it needs"
        >
          Run to selected
        </button>
        <button
          type="button"
          className="danger"
          disabled={!running}
          onClick={() => void s().cancel()}
          data-testid="cancel"
          title="Cancel (Esc)"
        >
          ■ Cancel
        </button>
      </div>
      <input
        className="weft-pipeline-name"
        type="text"
        aria-label="Pipeline name"
        placeholder="Untitled pipeline"
        title="The pipeline's name: runs are listed under it"
        value={pipelineName}
        onChange={(e) => s().setPipelineName(e.target.value)}
        data-testid="pipeline-name"
      />
      <div className="weft-status" data-testid="status-line">
        <span className="weft-file">
          {file.path ?? 'Untitled'}
          {file.readOnly ? ' (example, read-only)' : ''}
          {dirty ? ' •' : ''}
        </span>
        {invalid > 0 && (
          <span className="weft-pill warn">
            {invalid} node{invalid > 1 ? 's' : ''} with errors
          </span>
        )}
        {running && <span className="weft-pill run">running…</span>}
        {!running && runStatus && (
          <span className={`weft-pill ${runStatus === 'finished' ? 'ok' : 'warn'}`} data-testid="run-status">
            run {runStatus}
          </span>
        )}
        <span
          className={`weft-dot ${connected ? 'on' : 'off'}`}
          title={connected ? 'engine connected' : 'engine disconnected'}
        />
      </div>
    </header>
  );
}
