import { z } from 'zod';
import type { ColumnSchema } from '../../ports';
import { defineNode } from '../NodeDefinition';

export const windowParams = z.object({
  time: z
    .string()
    .default('')
    .describe('Time column (dates or numbers) the rows are ordered by; empty = the first date column')
    .meta({ widget: 'column' }),
  values: z
    .array(z.string())
    .default([])
    .describe('Value columns fed to the model at each step; empty = every numeric column but the time')
    .meta({ widget: 'columns' }),
  target: z
    .string()
    .default('')
    .describe('Column to forecast (may be one of the values); empty = the last value column')
    .meta({ widget: 'column' }),
  lookback: z
    .number()
    .int()
    .min(1, 'lookback must be at least 1 step')
    .default(12)
    .describe('Steps in each input window'),
  horizon: z
    .number()
    .int()
    .min(1, 'horizon must be at least 1: the number of steps ahead to forecast')
    .default(1)
    .describe('Steps ahead to forecast after each window (the model outputs one value per step)'),
  stride: z.number().int().min(1).default(1).describe('Steps between the starts of consecutive windows'),
  validation: z
    .number()
    .min(0)
    .max(0.9)
    .default(0.15)
    .describe('Share of the series (after training, in time) for validation (0 = none)'),
  test: z.number().min(0).max(0.9).default(0.15).describe('Share of the series at the end for testing (0 = none)'),
  differences: z
    .boolean()
    .default(false)
    .describe(
      'Feed step-to-step changes and forecast the change from the last observed target value (for trending series)',
    ),
  scale: z
    .enum(['standardize', 'none'])
    .default('standardize')
    .describe('Standardize values and target with the mean and std of the training period only'),
});

export type WindowParams = z.output<typeof windowParams>;

const isNumeric = (c: ColumnSchema): boolean => c.type === 'number' || c.type === 'integer';

export const windowNode = defineNode({
  type: 'prep.window',
  version: 1,
  title: 'Time Series Windows',
  category: 'Preprocess',
  doc:
    'Sorts a table by its time column and cuts it into samples: `lookback` consecutive rows of the value columns ' +
    '([lookback, values] per sample, for LSTM, GRU, attention or Dense layers) → the next `horizon` values of the target. ' +
    'Splits by time, never shuffled: training first, then validation, then test at the end; a sample belongs to the ' +
    'period its targets fall in (its window may look back into the earlier period, which is the known past), and samples ' +
    'whose targets straddle a boundary are dropped. With `differences`, each step holds the change since the previous step ' +
    "and the model forecasts the target's change from the window's last value, so it need not extrapolate a trend. Scaling is fitted on the training period only and recorded, so " +
    'eval.regression reports errors in original units, against a naive last-value forecast.',
  keywords: ['time series', 'forecast', 'sequence', 'lag', 'sliding window', 'lookback', 'horizon'],
  inputs: [{ name: 'table', type: { kind: 'Table' }, doc: 'One row per time step' }],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  params: windowParams,
  basic: ['time', 'values', 'target', 'lookback', 'horizon'],
  inferOutputs: ({ params, inputs }) => {
    if (params.validation + params.test >= 1)
      return { error: 'params validation + test leave no training period; keep their sum below 1 (e.g. 0.15 + 0.15)' };
    const table = inputs.table;
    const columns = table?.kind === 'Table' ? table.columns : undefined;
    let features: number | null = params.values.length || null;
    if (!features && columns) {
      const time = params.time || columns.find((c) => c.type === 'date')?.name;
      features = columns.filter((c) => c.name !== time && isNumeric(c)).length;
    }
    const splits = ['train', ...(params.validation > 0 ? ['validation'] : []), ...(params.test > 0 ? ['test'] : [])];
    return {
      outputs: {
        dataset: { kind: 'Dataset', task: 'regression', featureShape: [params.lookback, features], splits },
      },
    };
  },
});
