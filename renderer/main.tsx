import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App';
import type { EngineClient } from './engine/EngineClient';
import { setEngineClient } from './engine/client';
import { createHttpEngineClient } from './engine/HttpEngineClient';
import { createIpcEngineClient, desktopApi } from './engine/ipcTransport';

/** Electron's preload may install an IPC transport here before the app starts; else HTTP + WebSocket. */
declare global {
  interface Window {
    weftEngineClient?: EngineClient;
  }
}

const desktop = desktopApi();
setEngineClient(window.weftEngineClient ?? (desktop ? createIpcEngineClient(desktop) : createHttpEngineClient()));

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
