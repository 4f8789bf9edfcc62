import { useEffect, useState } from 'react';
import type { ExampleInfo } from '../../core/common';
import { engineClient } from '../engine/client';
import { openExample, pickParamPath } from '../files/fileActions';
import { useStudio } from '../store/useStudio';

const WELCOMED_KEY = 'weft.welcomed';

/** Whether this browser has already seen (and left) the welcome panel. */
export function welcomed(): boolean {
  return localStorage.getItem(WELCOMED_KEY) === '1';
}

/**
 * The first-open panel on the empty canvas: the examples, and "Start from a CSV file" (a CSV node
 * placed at `center` with its file picker open). Drops still reach the canvas beneath it.
 */
export function Welcome({ center }: { center: () => { x: number; y: number } }) {
  const [examples, setExamples] = useState<ExampleInfo[]>([]);
  const [open, setOpen] = useState(() => !welcomed());
  useEffect(() => {
    if (!open) return;
    engineClient()
      .invoke('examples.list', {})
      .then(setExamples)
      .catch(() => setExamples([]));
  }, [open]);
  useEffect(() => () => localStorage.setItem(WELCOMED_KEY, '1'), []);
  if (!open) return null;
  const done = (): void => {
    localStorage.setItem(WELCOMED_KEY, '1');
    setOpen(false);
  };
  const startFromCsv = (): void => {
    done();
    const s = useStudio.getState();
    const p = center();
    const id = s.addNode('data.csv', { x: p.x - 90, y: p.y - 40 });
    if (!id) return;
    s.selectOnly(id);
    void pickParamPath(id, 'path', { extensions: ['.csv', '.tsv', '.txt'] });
  };
  return (
    <section className="weft-welcome" data-testid="welcome" aria-label="Welcome">
      <h2>Welcome to Weft</h2>
      <p>Build a machine-learning pipeline by connecting nodes. Start from your own data or an example.</p>
      <button type="button" className="primary" onClick={startFromCsv} data-testid="welcome-csv">
        Start from a CSV file
      </button>
      {examples.length > 0 && <h3>Or open an example</h3>}
      <div className="weft-welcome-examples">
        {examples.map((x) => (
          <button
            type="button"
            key={x.name}
            className="weft-gallery-item"
            data-testid={`welcome-example-${x.name}`}
            onClick={() => {
              done();
              void openExample(x.name);
            }}
          >
            <strong>{x.title}</strong>
            <span>{x.description}</span>
          </button>
        ))}
      </div>
      <button type="button" className="weft-welcome-close" onClick={done} data-testid="welcome-close">
        Start with an empty canvas
      </button>
    </section>
  );
}
