import { useEffect, useState } from 'react';
import type { ExploreView } from '../../../core/common';
import { engineClient } from '../../engine/client';
import type { DataRef } from './usePagedRows';

/** The data views of a node's table from the engine (`engine.explore`), fetched again when the options change. */
export function useExplore(
  ref: DataRef,
  opts: { classColumn?: string; standardize: boolean },
): { view?: ExploreView; error?: string; loading: boolean } {
  const [state, setState] = useState<{ key: string; view?: ExploreView; error?: string }>({ key: '' });
  const key = JSON.stringify([
    ref.nodeId,
    ref.runId ?? null,
    ref.run ?? null,
    ref.port,
    ref.split ?? null,
    opts.classColumn ?? null,
    opts.standardize,
  ]);
  useEffect(() => {
    let gone = false;
    engineClient()
      .invoke('engine.explore', {
        ...(ref.run ? { run: ref.run } : {}),
        nodeId: ref.nodeId,
        port: ref.port,
        ...(ref.split ? { split: ref.split } : {}),
        ...(opts.classColumn ? { classColumn: opts.classColumn } : {}),
        ...(opts.standardize ? { standardize: true } : {}),
      })
      .then(
        (view) => !gone && setState({ key, view }),
        (e: unknown) => !gone && setState({ key, error: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      gone = true;
    };
  }, [key]);
  return { ...(state.key === key ? state : {}), loading: state.key !== key };
}
