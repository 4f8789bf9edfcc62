import { useEffect, useState } from 'react';
import { servingTraffic, type ServingSnapshot, type ServingTraffic } from '../../core/common/serving/servingStats';
import { engineClient } from '../engine/client';

/** One point of the live charts: seconds since the server started, and the traffic in the last interval. */
export interface TrafficPoint {
  t: number;
  traffic: ServingTraffic;
}

export interface ServerTraffic {
  latest: ServingSnapshot | null;
  /** Over everything since the server started. */
  overall: ServingTraffic | null;
  points: TrafficPoint[];
  error: string | null;
}

const KEEP = 300;
const EMPTY: ServerTraffic = { latest: null, overall: null, points: [], error: null };

/** Scrapes a running server's metrics every `intervalMs` and keeps the traffic between scrapes. */
export function useServerTraffic(id: string | null, startedAt: number, intervalMs = 1000): ServerTraffic {
  const [state, setState] = useState<ServerTraffic>(EMPTY);
  useEffect(() => {
    setState(EMPTY);
    if (!id) return undefined;
    let live = true;
    let previous: ServingSnapshot | undefined;
    const tick = async (): Promise<void> => {
      try {
        const snap = await engineClient().invoke('serving.stats', { id });
        if (!live) return;
        const before = previous;
        previous = snap;
        setState((s) => ({
          latest: snap,
          overall: servingTraffic(snap),
          points: before
            ? [...s.points, { t: (snap.at - startedAt) / 1000, traffic: servingTraffic(snap, before) }].slice(-KEEP)
            : s.points,
          error: null,
        }));
      } catch (e) {
        if (live) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [id, startedAt, intervalMs]);
  return state;
}
