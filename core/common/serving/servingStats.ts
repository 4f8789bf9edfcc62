import type { PromSample } from './promText';

/**
 * A cumulative histogram: counts of observations ≤ each finite upper bound; `count` is the +Inf
 * bucket (every observation). Finite bounds only, so it survives JSON.
 */
export interface CumulativeHistogram {
  bounds: number[];
  counts: number[];
  sum: number;
  count: number;
}

/** Live input statistics of one feature of one served model version (the `weft_input_feature_*` gauges). */
export interface FeatureDriftView {
  model: string;
  version: string;
  input: string;
  feature: string;
  values: number;
  missing: number;
  mean: number | null;
  std: number | null;
  /** (live mean − training mean) / training std; null where the model card holds no training statistics. */
  meanShift: number | null;
  /** Population stability index against the training bins; null where the card holds no profile. */
  psi: number | null;
}

/** What a model server's /metrics says at one moment, summed over its models and versions. */
export interface ServingSnapshot {
  /** Milliseconds since the epoch when it was scraped. */
  at: number;
  requests: number;
  errors: number;
  /** Infer request latency in seconds. */
  latency: CumulativeHistogram;
  /** Rows per onnxruntime call. */
  batchRows: CumulativeHistogram;
  features: FeatureDriftView[];
}

/** Traffic between two snapshots (or since the start, without an earlier one). */
export interface ServingTraffic {
  requestsPerSecond: number | null;
  errorsPerSecond: number | null;
  /** Latency quantiles in seconds, interpolated within histogram buckets as Prometheus's histogram_quantile does. */
  p50: number | null;
  p99: number | null;
  meanBatchRows: number | null;
}

function histogram(samples: PromSample[], name: string): CumulativeHistogram {
  const byBound = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (s.name === `${name}_bucket`) {
      const le = Number(s.labels.le);
      if (Number.isFinite(le)) byBound.set(le, (byBound.get(le) ?? 0) + s.value);
    } else if (s.name === `${name}_sum`) sum += s.value;
    else if (s.name === `${name}_count`) count += s.value;
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return { bounds, counts: bounds.map((b) => byBound.get(b) ?? 0), sum, count };
}

const total = (samples: PromSample[], name: string): number =>
  samples.reduce((acc, s) => (s.name === name ? acc + s.value : acc), 0);

const FEATURE_GAUGES = {
  weft_input_feature_values: 'values',
  weft_input_feature_missing: 'missing',
  weft_input_feature_mean: 'mean',
  weft_input_feature_std: 'std',
  weft_input_feature_mean_shift: 'meanShift',
  weft_input_feature_psi: 'psi',
} as const;

function features(samples: PromSample[]): FeatureDriftView[] {
  const byKey = new Map<string, FeatureDriftView>();
  for (const s of samples) {
    const field = Object.hasOwn(FEATURE_GAUGES, s.name)
      ? FEATURE_GAUGES[s.name as keyof typeof FEATURE_GAUGES]
      : undefined;
    if (!field) continue;
    const { model = '', version = '', input = '', feature = '' } = s.labels;
    const key = JSON.stringify([model, version, input, feature]);
    let f = byKey.get(key);
    if (!f) {
      f = { model, version, input, feature, values: 0, missing: 0, mean: null, std: null, meanShift: null, psi: null };
      byKey.set(key, f);
    }
    f[field] = s.value;
  }
  return [...byKey.values()];
}

/** Sums a Weft model server's metrics (`weft_model_*`, `weft_input_feature_*`) over models and versions. */
export function servingSnapshot(samples: PromSample[], at: number): ServingSnapshot {
  return {
    at,
    requests: total(samples, 'weft_model_requests_total'),
    errors: total(samples, 'weft_model_request_errors_total'),
    latency: histogram(samples, 'weft_model_request_duration_seconds'),
    batchRows: histogram(samples, 'weft_model_batch_rows'),
    features: features(samples),
  };
}

/**
 * The q-quantile of a cumulative histogram, as Prometheus's histogram_quantile computes it: find
 * the bucket holding rank q·count and interpolate linearly inside it (the first bucket starts at 0;
 * a rank in the +Inf bucket answers the highest finite bound). Null when the histogram is empty.
 */
export function histogramQuantile(q: number, h: CumulativeHistogram): number | null {
  if (h.count <= 0) return null;
  const rank = q * h.count;
  const b = h.counts.findIndex((c) => c >= rank);
  if (b < 0) return h.bounds.length ? (h.bounds[h.bounds.length - 1] ?? null) : null;
  const upper = h.bounds[b] ?? 0;
  const lower = b === 0 ? Math.min(0, upper) : (h.bounds[b - 1] ?? 0);
  const below = b === 0 ? 0 : (h.counts[b - 1] ?? 0);
  const inBucket = (h.counts[b] ?? 0) - below;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}

/** Bucket-wise difference `after − before` (same bounds), for quantiles over a window. */
function histogramDelta(before: CumulativeHistogram, after: CumulativeHistogram): CumulativeHistogram {
  const prev = new Map(before.bounds.map((b, i) => [b, before.counts[i] ?? 0]));
  return {
    bounds: after.bounds,
    counts: after.counts.map((c, i) => Math.max(0, c - (prev.get(after.bounds[i] ?? NaN) ?? 0))),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/**
 * Request and error rates, latency p50/p99 and the mean batch size between two scrapes of one
 * server; without `before`, over everything since the server started (rates then null).
 */
export function servingTraffic(after: ServingSnapshot, before?: ServingSnapshot): ServingTraffic {
  const seconds = before ? (after.at - before.at) / 1000 : 0;
  const restarted = before !== undefined && after.requests < before.requests;
  const base = before && !restarted ? before : undefined;
  const latency = base ? histogramDelta(base.latency, after.latency) : after.latency;
  const batch = base ? histogramDelta(base.batchRows, after.batchRows) : after.batchRows;
  const rate = (a: number, b: number): number | null => (base && seconds > 0 ? Math.max(0, a - b) / seconds : null);
  return {
    requestsPerSecond: rate(after.requests, base?.requests ?? 0),
    errorsPerSecond: rate(after.errors, base?.errors ?? 0),
    p50: histogramQuantile(0.5, latency),
    p99: histogramQuantile(0.99, latency),
    meanBatchRows: batch.count > 0 ? batch.sum / batch.count : null,
  };
}
