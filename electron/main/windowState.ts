import path from 'node:path';
import { z } from 'zod';
import type { Bounds, BrowserWindowLike } from './electronSurface';
import { jsonStore } from './jsonStore';

const StateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof StateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };

function overlaps(a: Bounds, b: Bounds): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Remembers the window's size, position and maximized state in `window-state.json`. A saved position
 * that no longer lies on any display (a monitor was unplugged) is dropped so the window is centred.
 */
export function windowStateKeeper(userData: string, displays: () => { workArea: Bounds }[]) {
  const store = jsonStore(path.join(userData, 'window-state.json'), StateSchema, DEFAULT_WINDOW_STATE);
  return {
    load(): WindowState {
      const s = store.read();
      if (s.x === undefined || s.y === undefined) return { width: s.width, height: s.height, maximized: s.maximized };
      const rect = { x: s.x, y: s.y, width: s.width, height: s.height };
      if (!displays().some((d) => overlaps(rect, d.workArea)))
        return { width: s.width, height: s.height, maximized: s.maximized };
      return s;
    },
    save(win: BrowserWindowLike): void {
      if (win.isDestroyed()) return;
      const b = win.getNormalBounds();
      store.write({
        x: Math.round(b.x),
        y: Math.round(b.y),
        width: Math.max(400, Math.round(b.width)),
        height: Math.max(300, Math.round(b.height)),
        maximized: win.isMaximized(),
      });
    },
  };
}
