import { describe, expect, it } from 'vitest';
import type { TableColumn, TableValue, TrainedModelValue } from '../../../../../../core/common';
import { modelSchemaOf } from '../../../../../../core/common/modelSchema';
import { preparationDiff } from '../../../../../../core/common/nodes/eval/preparationDiff';
import { windowParams, type WindowParams } from '../../../../../../core/common/nodes/prep/window';
import { windowSeries } from '../../../../../../core/common/nodes/prep/windowSeries';
import { windowNode } from '../../../../../../core/common/nodes/prep/window';
import { toOriginalUnits } from '../../../../../../core/common/metrics';

const num = (name: string, values: number[], type: 'number' | 'date' | 'integer' = 'number'): TableColumn => ({
  name,
  type,
  values: Float64Array.from(values),
});

/** Rows given out of time order: times 1..10 in the order below, a = t, b = 10·t. */
const shuffledTimes = [3, 1, 2, 10, 4, 5, 9, 6, 8, 7];
function series(): TableValue {
  return {
    columns: [
      num('t', shuffledTimes, 'integer'),
      num('a', shuffledTimes),
      num(
        'b',
        shuffledTimes.map((t) => 10 * t),
      ),
    ],
    rowCount: 10,
  };
}
const params = (p: Partial<WindowParams>): WindowParams => windowParams.parse({ time: 't', target: 'a', ...p });
const rowOfTime = (t: number): number => shuffledTimes.indexOf(t) + 1;

describe('prep.window windowing', () => {
  // n = 10, validation 0.2, test 0.2: periods train rows 0–5 (t 1–6), validation 6–7 (t 7–8), test 8–9 (t 9–10).
  // lookback 3, horizon 2, stride 1: starts 0..5; targets t(s+4), t(s+5):
  // s=0 → t4,t5 train; s=1 → t5,t6 train; s=2 → t6,t7 straddles; s=3 → t7,t8 validation; s=4 → t8,t9 straddles; s=5 → t9,t10 test.
  it('cuts exact samples by hand, unscaled, after sorting by time', () => {
    const { dataset, warnings } = windowSeries(
      series(),
      params({ lookback: 3, horizon: 2, validation: 0.2, test: 0.2, scale: 'none' }),
    );
    expect(dataset.featureShape).toEqual([3, 2]);
    expect(dataset.featureNames).toEqual(['a@t-2', 'b@t-2', 'a@t-1', 'b@t-1', 'a@t', 'b@t']);
    expect(dataset.targetDim).toBe(2);
    expect(dataset.task).toBe('regression');
    const { train, validation, test } = dataset.splits;
    expect(Array.from(train.x)).toEqual([1, 10, 2, 20, 3, 30, 2, 20, 3, 30, 4, 40]);
    expect(Array.from(train.y)).toEqual([4, 5, 5, 6]);
    expect(Array.from(validation.x)).toEqual([4, 40, 5, 50, 6, 60]);
    expect(Array.from(validation.y)).toEqual([7, 8]);
    expect(Array.from(test.x)).toEqual([6, 60, 7, 70, 8, 80]);
    expect(Array.from(test.y)).toEqual([9, 10]);
    expect(Array.from(train.windowEnd!)).toEqual([2, 3]);
    expect(Array.from(test.windowEnd!)).toEqual([7]);
    expect(Array.from(train.rowIds!)).toEqual([rowOfTime(4), rowOfTime(5)]);
    expect(Array.from(dataset.series!.time)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(dataset.series).toMatchObject({ validationStart: 6, testStart: 8 });
    expect(warnings).toContain(
      '2 windows whose 2 targets straddle two periods were dropped (no leak across the split)',
    );
    expect(warnings).toContain("rows were not in time order; sorted by 't'");
  });

  it('leaves out a period too short for any window, saying so', () => {
    // validation 0.1 → 1 row (t 8), test 0.2 → rows t 9–10: a horizon of 2 fits the test period only
    const { dataset, warnings } = windowSeries(
      series(),
      params({ lookback: 2, horizon: 2, validation: 0.1, test: 0.2 }),
    );
    expect(Object.keys(dataset.splits)).toEqual(['train', 'test']);
    expect(warnings).toContain(
      'the validation period (1 row) holds no window whose 2 targets all fall in it, so the dataset has no validation split; give it a larger share',
    );
  });

  it('strides, and a target outside the value columns', () => {
    const { dataset } = windowSeries(
      series(),
      params({ values: ['b'], target: 'a', lookback: 2, horizon: 1, stride: 3, validation: 0, test: 0, scale: 'none' }),
    );
    // starts 0, 3, 6 (s + 3 ≤ 10): inputs b at t(s+1), t(s+2); target a at t(s+3)
    expect(dataset.featureShape).toEqual([2, 1]);
    expect(Object.keys(dataset.splits)).toEqual(['train']);
    expect(Array.from(dataset.splits.train.x)).toEqual([10, 20, 40, 50, 70, 80]);
    expect(Array.from(dataset.splits.train.y)).toEqual([3, 6, 9]);
  });

  it('standardizes with the training period mean and population std only', () => {
    const { dataset } = windowSeries(series(), params({ lookback: 3, horizon: 2, validation: 0.2, test: 0.2 }));
    // training rows t = 1..6: a mean 3.5, std sqrt(17.5 / 6); b = 10·a
    const std = Math.sqrt(17.5 / 6);
    expect(dataset.window!.scaling!.mean).toEqual([3.5, 35]);
    expect(dataset.window!.scaling!.std[0]).toBeCloseTo(std, 12);
    expect(dataset.window!.scaling!.std[1]).toBeCloseTo(10 * std, 11);
    expect(dataset.window!.scaling!.targetMean).toBe(3.5);
    const v = Array.from(dataset.splits.validation.x);
    const expected = [4, 5, 6].flatMap((a) => [(a - 3.5) / std, (a - 3.5) / std]);
    v.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
    expect(dataset.splits.validation.y[1]).toBeCloseTo((8 - 3.5) / std, 6);
    const later = series();
    const a = later.columns[1].values as Float64Array;
    for (let i = 0; i < 10; i++) if (shuffledTimes[i] > 6) a[i] = 1000 * shuffledTimes[i];
    const again = windowSeries(later, params({ lookback: 3, horizon: 2, validation: 0.2, test: 0.2 }));
    expect(again.dataset.window!.scaling).toEqual(dataset.window!.scaling);
  });

  it('differences: step-to-step changes in, changes from the last value out, scaled on training changes', () => {
    const squares: TableValue = {
      columns: [num('t', [1, 2, 3, 4, 5, 6, 7, 8]), num('v', [1, 4, 9, 16, 25, 36, 49, 64])],
      rowCount: 8,
    };
    const p = params({ target: 'v', lookback: 2, horizon: 2, validation: 0, test: 0, differences: true });
    // changes d[1..7] = 3, 5, …, 15: mean 9, population std 4. Windows start at row 1: s = 1..4.
    const raw = windowSeries(squares, { ...p, scale: 'none' }).dataset.splits.train;
    expect(Array.from(raw.x)).toEqual([3, 5, 5, 7, 7, 9, 9, 11]);
    expect(Array.from(raw.y)).toEqual([7, 16, 9, 20, 11, 24, 13, 28]);
    expect(Array.from(raw.windowEnd!)).toEqual([2, 3, 4, 5]);
    const { dataset } = windowSeries(squares, p);
    expect(dataset.window).toMatchObject({
      differences: true,
      scaling: { mean: [9], std: [4], targetMean: 9, targetStd: 4 },
    });
    expect(Array.from(dataset.splits.train.x.subarray(0, 2))).toEqual([-1.5, -1]);
    expect(Array.from(dataset.splits.train.y.subarray(0, 2))).toEqual([-0.5, 1.75]);
    const back = toOriginalUnits(dataset.splits.train.y, dataset.splits.train, dataset.window!, dataset.series!);
    expect(Array.from(back)).toEqual([16, 25, 25, 36, 36, 49, 49, 64]);
  });

  it('never lets a training sample read a row of a later period (random settings)', () => {
    const n = 97;
    const table: TableValue = {
      columns: [
        num(
          't',
          Array.from({ length: n }, (_, i) => i),
        ),
        num(
          'v',
          Array.from({ length: n }, (_, i) => Math.sin(i)),
        ),
      ],
      rowCount: n,
    };
    for (const [L, H, stride, val, test] of [
      [5, 1, 1, 0.15, 0.15],
      [10, 4, 3, 0.2, 0.1],
      [1, 7, 2, 0.1, 0.3],
      [20, 3, 5, 0.25, 0.25],
    ] as const) {
      const { dataset } = windowSeries(
        table,
        params({ target: 'v', lookback: L, horizon: H, stride, validation: val, test }),
      );
      const { validationStart, testStart } = dataset.series!;
      for (const e of dataset.splits.train.windowEnd!) expect(e + H).toBeLessThan(validationStart);
      for (const e of dataset.splits.validation.windowEnd!) {
        expect(e + 1).toBeGreaterThanOrEqual(validationStart);
        expect(e + H).toBeLessThan(testStart);
      }
      for (const e of dataset.splits.test.windowEnd!) expect(e + 1).toBeGreaterThanOrEqual(testStart);
      const lastTrainTarget = Math.max(...dataset.splits.train.windowEnd!) + H;
      const firstValidationTarget = Math.min(...dataset.splits.validation.windowEnd!) + 1;
      expect(lastTrainTarget).toBeLessThan(firstValidationTarget);
      // the rule: the last training target is at or before the end of the first validation input window
      expect(lastTrainTarget).toBeLessThanOrEqual(Math.min(...dataset.splits.validation.windowEnd!));
    }
  });

  it('a model trained on windows refuses windows cut or scaled differently, naming what differs', () => {
    const base = params({ lookback: 3, horizon: 1, validation: 0.2, test: 0.2 });
    const trained = windowSeries(series(), base).dataset;
    const model = { ...modelSchemaOf(trained), onnx: new Uint8Array(0) } as unknown as TrainedModelValue;
    expect(model.window).toEqual(trained.window);
    expect(preparationDiff(model, windowSeries(series(), { ...base, stride: 2 }).dataset)).toEqual([]);
    expect(preparationDiff(model, windowSeries(series(), { ...base, test: 0.4 }).dataset)).toEqual([
      "the time-series windows differ from the model's (scaling): model lookback 3 of 'a', 'b' → 1 of 'a', scaled (target mean 3.500, std 1.708); dataset lookback 3 of 'a', 'b' → 1 of 'a', scaled (target mean 2.500, std 1.118)",
    ]);
    expect(preparationDiff(model, windowSeries(series(), { ...base, lookback: 4 }).dataset)).toContainEqual(
      expect.stringMatching(/^the time-series windows differ from the model's \(lookback\)/),
    );
    const tabular = { ...trained, window: undefined };
    expect(preparationDiff(model, tabular)).toEqual([
      'the model was trained on time-series windows (prep.window) but the dataset is not windowed',
    ]);
  });

  it('infers [lookback, features] at design time from the table schema', () => {
    const out = windowNode.inferOutputs!({
      params: windowParams.parse({ lookback: 24 }),
      inputs: {
        table: {
          kind: 'Table',
          columns: [
            { name: 'Date', type: 'date' },
            { name: 'CO2', type: 'number' },
            { name: 'adjusted CO2', type: 'number' },
          ],
        },
      },
    });
    expect(out).toEqual({
      outputs: {
        dataset: {
          kind: 'Dataset',
          task: 'regression',
          featureShape: [24, 2],
          splits: ['train', 'validation', 'test'],
        },
      },
    });
  });
});

describe('prep.window bad input', () => {
  const dates = ['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01', '2020-06-01', '2020-07-01', '2020-08-01'];
  const dated = (ds: string[]): TableValue => ({
    columns: [
      num(
        'Date',
        ds.map((d) => Date.parse(d)),
        'date',
      ),
      num(
        'y',
        ds.map((_, i) => i),
      ),
    ],
    rowCount: ds.length,
  });
  const p = (x: Partial<WindowParams>): WindowParams =>
    windowParams.parse({ lookback: 2, validation: 0, test: 0, ...x });

  it('refuses a time column of text that is not dates, naming the row and value', () => {
    const table: TableValue = {
      columns: [
        { name: 'when', type: 'category', values: ['2020-01-01', '2020-01-02', 'next tuesday'] },
        num('y', [1, 2, 3]),
      ],
      rowCount: 3,
    };
    expect(() => windowSeries(table, p({ time: 'when' }))).toThrow(
      /time column 'when' is category, not dates or numbers, so it cannot be sorted; row 3 holds "next tuesday".*ISO dates/,
    );
  });

  it('refuses duplicated times naming the rows, and warns about gaps with a count', () => {
    const dup = dated(['2020-01-01', '2020-02-01', '2020-01-01', '2020-03-01']);
    expect(() => windowSeries(dup, p({}))).toThrow(
      /time column 'Date' has 1 duplicated time \(2020-01-01 at rows 1 and 3\); .*aggregate or drop the duplicates/,
    );
    const { warnings } = windowSeries(dated(dates), p({}));
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /'Date' has 1 gap \(steps longer than the usual 31 days\): 2020-04-01 \(row 4\) → 2020-06-01 \(row 5\)/,
      ),
    );
  });

  it('refuses a lookback longer than the series or the training period, and a horizon below 1', () => {
    expect(() => windowSeries(dated(dates), p({ lookback: 7 }))).toThrow(
      /lookback 7 \+ horizon 1 = 8 rows is longer than the series \(7 rows\)/,
    );
    expect(() => windowSeries(dated(dates), p({ lookback: 4, validation: 0.3, test: 0.3 }))).toThrow(
      /longer than the training period \(3 of 7 rows/,
    );
    expect(windowParams.safeParse({ horizon: 0 }).error?.issues[0]?.message).toMatch(/horizon must be at least 1/);
    expect(() => windowSeries(dated(dates), { ...p({}), horizon: 0 })).toThrow(/horizon 0: forecast at least 1 step/);
  });

  it('refuses non-numeric and missing values, naming column and row', () => {
    const table = dated(dates.slice(0, 4));
    table.columns.push({ name: 'site', type: 'category', values: [null, 'north', 'south', 'north'] });
    expect(windowSeries(table, p({ lookback: 1 })).warnings).toContain(
      "left out of the values (not numbers): 'site' (category)",
    );
    expect(() => windowSeries(table, p({ target: 'site' }))).toThrow(
      /target column 'site' is category, not numeric .*choose a numeric target/,
    );
    expect(() => windowSeries(table, p({ values: ['y', 'site'] }))).toThrow(
      /value column 'site' is category, not numeric \(row 2 holds "north"\); .*drop the column from values/,
    );
    const gap = dated(dates.slice(0, 4));
    (gap.columns[1].values as Float64Array)[2] = NaN;
    expect(() => windowSeries(gap, p({}))).toThrow(
      /column 'y' is missing at row 3 \(time 2020-03-01\); .*fill or drop/,
    );
  });
});
