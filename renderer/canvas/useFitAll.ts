import { getNodesBounds, getViewportForBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { useStudio } from '../store/useStudio';

/**
 * Fits the whole pipeline into view. React Flow's own fitView waits until every node is measured,
 * and with only visible nodes rendered a large pipeline's off-screen nodes never are; this fits by
 * each node's measured size, else its estimated one.
 */
export function useFitAll(): (duration?: number) => void {
  const { setViewport } = useReactFlow();
  const store = useStoreApi();
  return useCallback(
    (duration?: number) => {
      const nodes = useStudio.getState().nodes;
      const { width, height, minZoom } = store.getState();
      if (!nodes.length || !width || !height) return;
      const viewport = getViewportForBounds(getNodesBounds(nodes), width, height, minZoom, 1, 0.15);
      void setViewport(viewport, duration ? { duration } : undefined);
    },
    [setViewport, store],
  );
}
