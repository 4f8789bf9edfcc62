import { describe, expect, it } from 'vitest';
import { parsePromText } from '../../../../../core/common/serving/promText';
import {
  histogramQuantile,
  servingSnapshot,
  servingTraffic,
  type CumulativeHistogram,
} from '../../../../../core/common/serving/servingStats';

const hist = (bounds: number[], counts: number[], count: number): CumulativeHistogram => ({
  bounds,
  counts,
  sum: 0,
  count,
});

describe('histogramQuantile (Prometheus histogram_quantile, worked by hand)', () => {
  const h = hist([1, 2, 4], [10, 30, 40], 40);
  it('interpolates inside the bucket that holds the rank', () => {
    // rank 0.5·40 = 20: bucket (1, 2] holds ranks 10..30, so 1 + 1·(20−10)/20 = 1.5
    expect(histogramQuantile(0.5, h)).toBeCloseTo(1.5, 12);
    // rank 0.99·40 = 39.6: bucket (2, 4] holds 30..40, so 2 + 2·(39.6−30)/10 = 3.92
    expect(histogramQuantile(0.99, h)).toBeCloseTo(3.92, 12);
    // rank 0.1·40 = 4: the first bucket starts at 0, so 1·4/10 = 0.4
    expect(histogramQuantile(0.1, h)).toBeCloseTo(0.4, 12);
  });
  it('answers the highest finite bound for a rank in +Inf, null when empty', () => {
    expect(histogramQuantile(0.99, hist([1, 2], [1, 2], 10))).toBe(2);
    expect(histogramQuantile(0.5, hist([1], [0], 0))).toBeNull();
    expect(histogramQuantile(0.5, hist([], [], 0))).toBeNull();
  });
});

const scrape = (requests: number, errors: number, lat: [string, number][], batch: [string, number][], sum: number) =>
  [
    `weft_model_requests_total{model="iris",version="1",status="200"} ${requests - errors}`,
    `weft_model_requests_total{model="iris",version="1",status="400"} ${errors}`,
    `weft_model_request_errors_total{model="iris",version="1"} ${errors}`,
    ...lat.map(([le, c]) => `weft_model_request_duration_seconds_bucket{le="${le}",model="iris",version="1"} ${c}`),
    `weft_model_request_duration_seconds_count{model="iris",version="1"} ${requests}`,
    ...batch.map(([le, c]) => `weft_model_batch_rows_bucket{le="${le}",model="iris",version="1"} ${c}`),
    `weft_model_batch_rows_sum{model="iris",version="1"} ${sum}`,
    `weft_model_batch_rows_count{model="iris",version="1"} ${batch[batch.length - 1]?.[1] ?? 0}`,
    `weft_input_feature_mean{model="iris",version="1",input="x",feature="petal_length"} 3.5`,
    `weft_input_feature_values{model="iris",version="1",input="x",feature="petal_length"} 120`,
    `weft_input_feature_mean_shift{model="iris",version="1",input="x",feature="petal_length"} -0.25`,
    `weft_input_feature_psi{model="iris",version="1",input="x",feature="petal_length"} 0.31`,
    `weft_input_feature_mean{model="iris",version="1",input="x",feature="sepal_width"} 3`,
    `weft_http_requests_total{method="GET",route="/metrics",status="200"} 99`,
  ].join('\n');

describe('servingSnapshot and servingTraffic', () => {
  const first = servingSnapshot(
    parsePromText(
      scrape(
        10,
        1,
        [
          ['0.001', 4],
          ['0.01', 10],
          ['+Inf', 10],
        ],
        [
          ['1', 4],
          ['2', 4],
          ['+Inf', 4],
        ],
        4,
      ),
    ),
    1_000,
  );
  const second = servingSnapshot(
    parsePromText(
      scrape(
        50,
        3,
        [
          ['0.001', 4],
          ['0.01', 30],
          ['+Inf', 50],
        ],
        [
          ['1', 4],
          ['2', 14],
          ['+Inf', 14],
        ],
        24,
      ),
    ),
    3_000,
  );

  it('sums infer requests and errors, keeps histograms and per-feature drift', () => {
    expect(first.requests).toBe(10);
    expect(first.errors).toBe(1);
    expect(first.latency).toEqual({ bounds: [0.001, 0.01], counts: [4, 10], sum: 0, count: 10 });
    expect(JSON.parse(JSON.stringify(second))).toEqual(second);
    expect(second.features).toEqual([
      {
        model: 'iris',
        version: '1',
        input: 'x',
        feature: 'petal_length',
        values: 120,
        missing: 0,
        mean: 3.5,
        std: null,
        meanShift: -0.25,
        psi: 0.31,
      },
      expect.objectContaining({ feature: 'sepal_width', mean: 3, psi: null, meanShift: null }),
    ]);
  });

  it('rates and quantiles over the window between two scrapes', () => {
    const t = servingTraffic(second, first);
    // 40 more requests and 2 more errors in 2 s
    expect(t.requestsPerSecond).toBeCloseTo(20, 12);
    expect(t.errorsPerSecond).toBeCloseTo(1, 12);
    // window buckets: ≤1 ms 0, ≤10 ms 20, +Inf 40; p50 rank 20 → 0.001 + 0.009·20/20 = 0.01
    expect(t.p50).toBeCloseTo(0.01, 12);
    // p99 rank 39.6 falls in +Inf → the highest finite bound
    expect(t.p99).toBe(0.01);
    // 10 more batches with 20 more rows
    expect(t.meanBatchRows).toBeCloseTo(2, 12);
  });

  it('without an earlier scrape: quantiles since the start, no rates', () => {
    const t = servingTraffic(first);
    expect(t.requestsPerSecond).toBeNull();
    // 10 requests: 4 ≤1 ms, 6 in (1, 10] ms; p50 rank 5 → 0.001 + 0.009·1/6
    expect(t.p50).toBeCloseTo(0.001 + 0.009 / 6, 12);
    expect(t.meanBatchRows).toBe(1);
  });
});
