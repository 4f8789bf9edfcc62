import { useEffect, useState } from 'react';
import type { ExampleInfo, FileEntry } from '../../core/common';
import { engineClient } from '../engine/client';
import { useStudio } from '../store/useStudio';
import { openExample, openPath, saveAs } from './fileActions';

function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) {
  return (
    <div className="weft-modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="weft-modal" role="dialog" aria-label={title} data-testid="dialog">
        <header>
          <h2>{title}</h2>
          <button type="button" className="weft-close" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

/** Browses the workspace through the server (the browser has no file dialog that yields paths). */
function FileBrowser({
  extensions,
  relativeTo,
  onPick,
}: {
  extensions?: string[];
  relativeTo?: string;
  onPick: (f: FileEntry) => void;
}) {
  const [dir, setDir] = useState('');
  const [entries, setEntries] = useState<FileEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    engineClient()
      .invoke('files.list', { dir, ...(extensions ? { extensions } : {}), ...(relativeTo ? { relativeTo } : {}) })
      .then((r) => {
        setEntries(r.entries);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, [dir, extensions, relativeTo]);
  const up = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  return (
    <div className="weft-browser" data-testid="file-browser">
      <div className="weft-muted">workspace/{dir}</div>
      {error && <div className="weft-field-error">{error}</div>}
      <ul>
        {dir && (
          <li>
            <button type="button" onClick={() => setDir(up)}>
              ⬑ ..
            </button>
          </li>
        )}
        {entries.map((e) => (
          <li key={e.path}>
            <button
              type="button"
              data-testid={`file-${e.name}`}
              onClick={() => (e.kind === 'dir' ? setDir(e.path) : onPick(e))}
            >
              {e.kind === 'dir' ? '📁' : '📄'} {e.name}
              {e.size !== undefined && <span className="weft-muted"> {(e.size / 1024).toFixed(1)} KiB</span>}
            </button>
          </li>
        ))}
        {entries.length === 0 && !error && <li className="weft-muted">No matching files here.</li>}
      </ul>
    </div>
  );
}

function OpenDialog({ onClose }: { onClose: () => void }) {
  const [typed, setTyped] = useState('');
  return (
    <Modal title="Open pipeline" onClose={onClose}>
      <FileBrowser extensions={['.json']} onPick={(f) => void openPath(f.path).then((ok) => ok && onClose())} />
      <form
        className="weft-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed) void openPath(typed, true).then((ok) => ok && onClose());
        }}
      >
        <input
          type="text"
          placeholder="or type a path, e.g. /home/me/flow.weft.json"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          data-testid="open-path"
        />
        <button type="submit">Open</button>
      </form>
    </Modal>
  );
}

function SaveAsDialog({ onClose }: { onClose: () => void }) {
  const current = useStudio((s) => s.file.path);
  const [name, setName] = useState(current && !current.startsWith('/') ? current : 'pipeline.weft.json');
  return (
    <Modal title="Save pipeline as" onClose={onClose}>
      <form
        className="weft-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void saveAs(name.trim(), name.trim().startsWith('/')).then((ok) => ok && onClose());
        }}
      >
        <input
          type="text"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          data-testid="save-as-path"
        />
        <button type="submit" data-testid="save-as-confirm">
          Save
        </button>
      </form>
      <p className="weft-muted">Relative names are saved in the workspace; an absolute path saves elsewhere.</p>
    </Modal>
  );
}

function ExamplesDialog({ onClose }: { onClose: () => void }) {
  const [examples, setExamples] = useState<ExampleInfo[] | null>(null);
  useEffect(() => {
    engineClient()
      .invoke('examples.list', {})
      .then(setExamples)
      .catch(() => setExamples([]));
  }, []);
  return (
    <Modal title="Examples" onClose={onClose}>
      <div className="weft-gallery" data-testid="examples">
        {examples?.map((x) => (
          <button
            type="button"
            className="weft-gallery-item"
            key={x.name}
            onClick={() => void openExample(x.name).then(onClose)}
          >
            <strong>{x.title}</strong>
            <span>{x.description}</span>
          </button>
        ))}
        {examples?.length === 0 && <p className="weft-muted">No examples found in resources/examples.</p>}
      </div>
    </Modal>
  );
}

/** Whichever file dialog is open. */
export function Dialogs() {
  const dialog = useStudio((s) => s.dialog);
  const close = () => useStudio.getState().openDialog(null);
  const docPath = useStudio((s) => s.file.path);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'open':
      return <OpenDialog onClose={close} />;
    case 'saveAs':
      return <SaveAsDialog onClose={close} />;
    case 'examples':
      return <ExamplesDialog onClose={close} />;
    case 'pickFile':
      return (
        <Modal title={`Choose a file for ${dialog.param}`} onClose={close}>
          <FileBrowser
            {...(dialog.extensions ? { extensions: dialog.extensions } : {})}
            {...(docPath && !docPath.startsWith('/') ? { relativeTo: docPath } : {})}
            onPick={(f) => {
              useStudio.getState().setParam(dialog.nodeId, dialog.param, f.ref);
              close();
            }}
          />
        </Modal>
      );
  }
}
