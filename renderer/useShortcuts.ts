import { useEffect } from 'react';
import { desktopApi } from './engine/ipcTransport';
import { newDocument, openPipeline, save, startSaveAs } from './files/fileActions';
import { useStudio } from './store/useStudio';
import { useLayoutAction } from './Toolbar';
import { useFitAll } from './canvas/useFitAll';

function typing(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

/** Keyboard shortcuts; ignored while typing in a field. */
export function useShortcuts(): void {
  const fitAll = useFitAll();
  const layout = useLayoutAction();
  useEffect(() => {
    /** In the desktop app the native menu's accelerators own Save, Save As, Open and Run. */
    const menuOwns = desktopApi() !== undefined;
    const onKey = (e: KeyboardEvent): void => {
      const s = useStudio.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's' && !menuOwns) {
        e.preventDefault();
        if (e.shiftKey) void startSaveAs();
        else void save();
        return;
      }
      if (mod && key === 'o' && !menuOwns) {
        e.preventDefault();
        void openPipeline();
        return;
      }
      if (mod && e.altKey && key === 'n') {
        e.preventDefault();
        newDocument();
        return;
      }
      if (mod && key === 'enter' && !menuOwns) {
        e.preventDefault();
        void s.run();
        return;
      }
      if (typing(e.target)) return;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (mod && key === 'y') {
        e.preventDefault();
        s.redo();
      } else if (mod && key === 'c') s.copySelection();
      else if (mod && key === 'v') s.paste();
      else if (mod && key === 'a') {
        e.preventDefault();
        s.selectAll();
      } else if (key === 'delete' || key === 'backspace') s.deleteSelected();
      else if (key === 'escape') {
        if (s.dialog) s.openDialog(null);
        else void s.cancel();
      } else if (e.shiftKey && key === 'l') void layout();
      else if (e.shiftKey && e.key === '!') fitAll(200);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [fitAll, layout]);
}
