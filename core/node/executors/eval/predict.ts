import Papa from 'papaparse';
import type { z } from 'zod';
import type { DatasetSplit, PredictionsValue, TableColumn } from '../../../common';
import { toOriginalUnits } from '../../../common/metrics/forecast';
import { splitLabel } from '../../../common/metrics/splitLabel';
import { rawColumns } from '../../../common/splitRaw';
import type { evalPredictParams } from '../../../common/nodes/eval/predict';
import { atomicWrite } from '../../engine/atomicWrite';
import { checkClassCount, predictionsFromOutput } from '../../inference/predictions';
import { resolveParamPath, UserError, type Executor } from '../Executor';
import { modelOnSplit } from './modelOnSplit';

/** Input columns written next to predictions: the split's raw columns, or its image files. */
export function inputColumnsOf(split: DatasetSplit): TableColumn[] {
  if (split.raw) return rawColumns(split)!;
  if (split.lazy) return [{ name: 'file', type: 'text', values: split.lazy.files }];
  return [];
}

/**
 * Predictions as CSV rows: the source row number (`row`, where the split carries it), then
 * `inputs` (raw columns), actual and predicted (class names for classifiers) and one column per
 * class probability.
 */
export function predictionsCsv(
  p: PredictionsValue,
  targetName = 'target',
  inputs: readonly TableColumn[] = [],
): string {
  const { fields, rows } = predictionRows(p, targetName);
  const lead = [...(p.rowIds ? ['row'] : []), ...inputs.map((c) => c.name)];
  const data = rows.map((row, i) => {
    const head: (string | number)[] = p.rowIds ? [p.rowIds[i]] : [];
    for (const c of inputs) {
      const v = c.values[i];
      head.push(v === null || v === undefined || (typeof v === 'number' && v !== v) ? '' : v);
    }
    return [...head, ...row];
  });
  return `${Papa.unparse({ fields: [...lead, ...fields], data })}\n`;
}

function predictionRows(p: PredictionsValue, targetName: string): { fields: string[]; rows: (string | number)[][] } {
  const fields: string[] = [];
  const rows: (string | number)[][] = [];
  if (p.task === 'classification') {
    const names = p.classNames ?? [];
    const k = names.length;
    if (p.actual) fields.push('actual');
    fields.push('predicted');
    for (const n of names) fields.push(`p(${n})`);
    for (let i = 0; i < p.n; i++) {
      const row: (string | number)[] = [];
      if (p.actual) row.push(names[p.actual[i]] ?? p.actual[i]);
      row.push(names[p.predicted[i]] ?? p.predicted[i]);
      for (let c = 0; c < k; c++) row.push(p.probabilities![i * k + c]);
      rows.push(row);
    }
  } else {
    const t = p.predicted.length / Math.max(p.n, 1);
    const name = (j: number): string => (t === 1 ? targetName : `${targetName}[${j}]`);
    for (let j = 0; j < t; j++) {
      if (p.actual) fields.push(`actual ${name(j)}`);
      fields.push(`predicted ${name(j)}`);
    }
    for (let i = 0; i < p.n; i++) {
      const row: number[] = [];
      for (let j = 0; j < t; j++) {
        if (p.actual) row.push(p.actual[i * t + j]);
        row.push(p.predicted[i * t + j]);
      }
      rows.push(row);
    }
  }
  return { fields, rows };
}

export const evalPredictExecutor: Executor<z.output<typeof evalPredictParams>> = async (ctx) => {
  const where = `eval.predict (${ctx.nodeId})`;
  const { model, data, split, out } = await modelOnSplit(ctx, where);
  const classNames = data.classNames ?? model.classNames;
  if (model.task === 'classification') {
    checkClassCount(
      out.width,
      classNames?.length ?? out.width,
      where,
      `the model outputs ${out.width} class probabilities`,
    );
  }
  const predictions = predictionsFromOutput(model.task, ctx.params.split, split, out, classNames);
  const { window, series } = data;
  if (window && series && split.windowEnd && predictions.task === 'regression') {
    predictions.predicted = Float32Array.from(toOriginalUnits(predictions.predicted, split, window, series));
    if (predictions.actual)
      predictions.actual = Float32Array.from(toOriginalUnits(predictions.actual, split, window, series));
  }
  const files: string[] = [];
  if (ctx.params.path) {
    const file = resolveParamPath(ctx, ctx.params.path, 'write');
    try {
      await atomicWrite(
        file,
        predictionsCsv(predictions, data.targetName, ctx.params.inputColumns ? inputColumnsOf(split) : []),
      );
    } catch (e) {
      throw new UserError(
        `${where}: cannot write ${file}: ${(e as Error).message}; check the folder exists and is writable`,
      );
    }
    files.push(file);
  }
  ctx.progress(1);
  return {
    outputs: { predictions },
    summary: {
      text: `${split.n} predictions on the ${splitLabel(ctx.params.split, split)} split`,
      files,
      provider: out.provider,
    },
  };
};
