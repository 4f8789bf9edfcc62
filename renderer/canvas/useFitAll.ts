import { getNodesBounds, getViewportForBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { useStudio } from '../store/useStudio';

/** Node titles are 13 px: fitting never zooms out below the level where they read at 11 px. */
export const FIT_MIN_ZOOM = 11 / 13;

/**
 * Fits the whole pipeline into view. React Flow's own fitView waits until every node is measured,
 * and with only visible nodes rendered a large pipeline's off-screen nodes never are; this fits by
 * each node's measured size, else its estimated one. A pipeline too large to fit at `FIT_MIN_ZOOM`
 * shows from its top-left corner at that zoom (pan or zoom out to see the rest).
 */
export function useFitAll(): (duration?: number) => void {
  const { setViewport } = useReactFlow();
  const store = useStoreApi();
  return useCallback(
    (duration?: number) => {
      const nodes = useStudio.getState().nodes;
      const { width, height, minZoom } = store.getState();
      if (!nodes.length || !width || !height) return;
      const bounds = getNodesBounds(nodes);
      let viewport = getViewportForBounds(bounds, width, height, minZoom, 1, 0.15);
      if (viewport.zoom < FIT_MIN_ZOOM)
        viewport = { zoom: FIT_MIN_ZOOM, x: 24 - bounds.x * FIT_MIN_ZOOM, y: 24 - bounds.y * FIT_MIN_ZOOM };
      void setViewport(viewport, duration ? { duration } : undefined);
    },
    [setViewport, store],
  );
}
