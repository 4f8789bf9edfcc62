import type { ForecastPlot } from '../../core/common';

/** A forecast's lines on one shared x axis (uPlot's aligned data): null where a line has no point. */
export interface AlignedForecast {
  /** Seconds since 1970 for dates (uPlot's time axis), else the time values. */
  x: number[];
  history: (number | null)[];
  actual: (number | null)[];
  predicted: (number | null)[];
  naive: (number | null)[];
}

/** Merges the history's times and the scored times into one sorted axis and places each line on it. */
export function alignForecast(f: ForecastPlot): AlignedForecast {
  const scale = f.timeType === 'date' ? 1 / 1000 : 1;
  const times = [...new Set([...f.history.time, ...f.time])].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const line = (time: number[], values: number[]): (number | null)[] => {
    const out: (number | null)[] = new Array<number | null>(times.length).fill(null);
    time.forEach((t, i) => (out[at.get(t)!] = values[i] ?? null));
    return out;
  };
  return {
    x: times.map((t) => t * scale),
    history: line(f.history.time, f.history.value),
    actual: line(f.time, f.actual),
    predicted: line(f.time, f.predicted),
    naive: line(f.time, f.naive),
  };
}
