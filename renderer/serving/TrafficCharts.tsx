import { useMemo } from 'react';
import { UPlotChart, seriesColor } from '../results/UPlotChart';
import type { TrafficPoint } from './useServerTraffic';

/** Request rate and latency (p50, p99 in ms) over the last few minutes. */
export function TrafficCharts({ points }: { points: TrafficPoint[] }) {
  const { x, rate, latency } = useMemo(() => {
    const ms = (v: number | null): number | null => (v === null ? null : v * 1000);
    return {
      x: points.map((p) => p.t),
      rate: [
        { label: 'requests/s', values: points.map((p) => p.traffic.requestsPerSecond), color: seriesColor(0) },
        { label: 'errors/s', values: points.map((p) => p.traffic.errorsPerSecond), color: seriesColor(6) },
      ],
      latency: [
        { label: 'p50 ms', values: points.map((p) => ms(p.traffic.p50)), color: seriesColor(2) },
        { label: 'p99 ms', values: points.map((p) => ms(p.traffic.p99)), color: seriesColor(1) },
      ],
    };
  }, [points]);
  if (points.length < 2) return <p className="weft-muted">Charts start after a few seconds of traffic.</p>;
  return (
    <div className="serving-charts">
      <UPlotChart x={x} series={rate} xLabel="seconds" height={150} testId="serving-rate-chart" />
      <UPlotChart x={x} series={latency} xLabel="seconds" height={150} testId="serving-latency-chart" />
    </div>
  );
}
