import Papa from 'papaparse';
import type { z } from 'zod';
import type { PredictionsValue } from '../../../common';
import type { evalPredictParams } from '../../../common/nodes/eval/predict';
import { atomicWrite } from '../../engine/atomicWrite';
import { checkClassCount, predictionsFromOutput } from '../../inference/predictions';
import { resolveParamPath, UserError, type Executor } from '../Executor';
import { modelOnSplit } from './modelOnSplit';

/** Predictions as CSV rows: actual and predicted (class names for classifiers) and one column per class probability. */
export function predictionsCsv(p: PredictionsValue, targetName = 'target'): string {
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
  return `${Papa.unparse({ fields, data: rows })}\n`;
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
  const files: string[] = [];
  if (ctx.params.path) {
    const file = resolveParamPath(ctx, ctx.params.path, 'write');
    try {
      await atomicWrite(file, predictionsCsv(predictions, data.targetName));
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
    summary: { text: `${split.n} predictions on the ${ctx.params.split} split`, files, provider: out.provider },
  };
};
