import { useCallback, useState } from 'react';

/** A panel size in pixels, clamped to `[min, max]` and kept in localStorage under `weft.panel.<name>`. */
export function usePanelSize(
  name: string,
  initial: number,
  min: number,
  max: () => number,
): [number, (px: number) => void] {
  const key = `weft.panel.${name}`;
  const clamp = useCallback((px: number) => Math.round(Math.max(min, Math.min(max(), px))), [min, max]);
  const [size, setSize] = useState(() => {
    const saved = Number(localStorage.getItem(key));
    return clamp(Number.isFinite(saved) && saved > 0 ? saved : initial);
  });
  const set = useCallback(
    (px: number) => {
      const next = clamp(px);
      setSize(next);
      localStorage.setItem(key, String(next));
    },
    [clamp, key],
  );
  return [size, set];
}
