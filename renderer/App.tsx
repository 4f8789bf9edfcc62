import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useState, type CSSProperties } from 'react';
import { Canvas } from './canvas/Canvas';
import { startDesktopShell } from './desktop/desktopShell';
import { engineClient } from './engine/client';
import { desktopApi } from './engine/ipcTransport';
import { Dialogs } from './files/Dialogs';
import { restoreOnStart, restoreRecovery, startAutosave } from './files/fileActions';
import { startColumnWatch } from './inspector/columnStore';
import { Splitter } from './layout/Splitter';
import { usePanelSize } from './layout/usePanelSize';
import { Inspector } from './inspector/Inspector';
import { Palette } from './palette/Palette';
import { BottomPanel } from './run/BottomPanel';
import { useStudio } from './store/useStudio';
import { Toolbar } from './Toolbar';
import { useShortcuts } from './useShortcuts';

type Recovery = { text: string; path: string | null; savedAt: number };

function Toasts() {
  const toasts = useStudio((s) => s.toasts);
  return (
    <div className="weft-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`weft-toast ${t.level}`}
          data-testid="toast"
          onClick={() => useStudio.getState().dismissToast(t.id)}
        >
          {t.text}
        </div>
      ))}
    </div>
  );
}

const maxSide = (): number => Math.max(240, window.innerWidth * 0.4);
const maxBottom = (): number => Math.max(160, window.innerHeight - 180);

function Studio() {
  useShortcuts();
  const { screenToFlowPosition } = useReactFlow();
  const [recovery, setRecovery] = useState<Recovery | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const client = engineClient();
    const offEvents = client.onEvent((e) => useStudio.getState().applyEvent(e));
    const offConn = client.onConnection?.((c) => useStudio.getState().setConnected(c));
    const desktop = desktopApi();
    const offShell = desktop ? startDesktopShell(desktop) : undefined;
    let stopAutosave: (() => void) | undefined;
    let stopColumns: (() => void) | undefined;
    void restoreOnStart().then(({ recovery: r }) => {
      setRecovery(r);
      setReady(true);
      stopAutosave = startAutosave();
      stopColumns = startColumnWatch();
    });
    return () => {
      offEvents();
      offConn?.();
      offShell?.();
      stopAutosave?.();
      stopColumns?.();
    };
  }, []);
  const [paletteW, setPaletteW] = usePanelSize('palette', 230, 160, maxSide);
  const [inspectorW, setInspectorW] = usePanelSize('inspector', 300, 220, maxSide);
  const [bottomH, setBottomH] = usePanelSize('bottom', 330, 120, maxBottom);
  const addAtCenter = (type: string) => {
    const box = document.querySelector('.weft-canvas')?.getBoundingClientRect();
    const p = screenToFlowPosition({
      x: (box?.left ?? 0) + (box?.width ?? 600) / 2,
      y: (box?.top ?? 0) + (box?.height ?? 400) / 2,
    });
    useStudio.getState().addNode(type, { x: p.x - 90 + Math.random() * 40, y: p.y - 30 + Math.random() * 40 });
  };
  return (
    <div className="weft-app" data-ready={ready ? 'true' : 'false'} data-testid="app">
      <Toolbar />
      {recovery && (
        <div className="weft-banner" data-testid="recovery-banner">
          Unsaved work from {new Date(recovery.savedAt).toLocaleString()}
          {recovery.path ? ` (${recovery.path})` : ''} was recovered.
          <button
            type="button"
            onClick={() => {
              restoreRecovery(recovery);
              setRecovery(null);
            }}
          >
            Restore
          </button>
          <button
            type="button"
            onClick={() => {
              void engineClient().invoke('recovery.clear', {});
              setRecovery(null);
            }}
          >
            Discard
          </button>
        </div>
      )}
      <div
        className="weft-main"
        style={
          {
            '--palette-w': `${paletteW}px`,
            '--inspector-w': `${inspectorW}px`,
            '--bottom-h': `${bottomH}px`,
          } as CSSProperties
        }
      >
        <Palette onAdd={addAtCenter} />
        <Splitter
          direction="column"
          size={paletteW}
          onResize={setPaletteW}
          sign={1}
          label="Resize the palette"
          testId="splitter-palette"
        />
        <div className="weft-center">
          <Canvas />
          <Splitter
            direction="row"
            size={bottomH}
            onResize={setBottomH}
            sign={-1}
            label="Resize the bottom panel"
            testId="splitter-bottom"
          />
          <BottomPanel />
        </div>
        <Splitter
          direction="column"
          size={inspectorW}
          onResize={setInspectorW}
          sign={-1}
          label="Resize the inspector"
          testId="splitter-inspector"
        />
        <Inspector />
      </div>
      <Dialogs />
      <Toasts />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Studio />
    </ReactFlowProvider>
  );
}
