import type { z } from 'zod';
import type { DataPreviewValue, DatasetSplit, DatasetValue, TableColumn, TrainedModelValue } from '../../../common';
import type { LossKind } from '../../../common/model';
import { previewTable } from '../../../common/nodes/data/tablePreview';
import type { genSampleParams } from '../../../common/nodes/gen/sample';
import { gaussian, seededRandom } from '../../../common/nodes/prep/random';
import { readRows, takeRows } from '../../data/splitRows';
import { atomicWrite } from '../../engine/atomicWrite';
import { imageGeometry, imageGrid, imageTiles } from '../../gen/imageGrid';
import { rowErrors } from '../../gen/rowErrors';
import { vaeParts } from '../../gen/vaeParts';
import { checkCompatible, pickSplit, runTrainedModel } from '../../inference/runModel';
import { resolveParamPath, UserError, type Executor } from '../Executor';

type Params = z.output<typeof genSampleParams>;

/** Rows `at` (0-based) of a split, decoded. */
async function rowsOf(split: DatasetSplit, at: number[]): Promise<Float32Array> {
  const picked = takeRows(split, at, split.y.length / split.n);
  return readRows(picked, 0, at.length);
}

function latentTable(z: Float32Array, n: number, k: number): TableColumn[] {
  return Array.from({ length: k }, (_, j) => ({
    name: `z${j}`,
    type: 'number' as const,
    values: Float64Array.from({ length: n }, (_, i) => z[i * k + j]),
  }));
}

async function latentPoints(
  p: Params,
  k: number,
  encoder: TrainedModelValue,
  split: DatasetSplit | undefined,
  where: string,
): Promise<Float32Array> {
  const normal = gaussian(seededRandom(p.seed));
  const z = new Float32Array(p.count * k);
  if (p.mode === 'random') {
    for (let i = 0; i < z.length; i++) z[i] = p.temperature * normal();
    return z;
  }
  let ends: Float32Array;
  if (split) {
    for (const [name, row] of [
      ['from', p.from],
      ['to', p.to],
    ] as const) {
      if (row >= split.n)
        throw new UserError(
          `${where}: ${name} is row ${row}, but the "${p.split}" split has ${split.n} rows; pick a row below ${split.n}`,
          1,
        );
    }
    ends = (await runTrainedModel(encoder, await rowsOf(split, [p.from, p.to]), 2)).values;
  } else ends = Float32Array.from({ length: 2 * k }, () => normal());
  for (let i = 0; i < p.count; i++) {
    const t = p.count === 1 ? 0 : i / (p.count - 1);
    for (let j = 0; j < k; j++) z[i * k + j] = ends[j] + t * (ends[k + j] - ends[j]);
  }
  return z;
}

async function reconstructionView(
  model: TrainedModelValue,
  data: DatasetValue,
  split: DatasetSplit,
  p: Params,
): Promise<DataPreviewValue> {
  const m = Math.min(p.reconstructions, split.n);
  const at = Array.from({ length: m }, (_, i) => i);
  const x = await rowsOf(split, at);
  const out = (await runTrainedModel(model, x, m)).values;
  const width = x.length / m;
  const pairs = new Float32Array(2 * m * width);
  for (let i = 0; i < m; i++) {
    pairs.set(x.subarray(i * width, (i + 1) * width), 2 * i * width);
    pairs.set(out.subarray(i * width, (i + 1) * width), (2 * i + 1) * width);
  }
  const images = await imageTiles(pairs, 2 * m, {
    shape: model.featureShape,
    per: 2,
    labels: at.map((i) => `row ${split.rowIds?.[i] ?? i + 1}: input | output`),
  });
  const errors = rowErrors(out, x, m, model.trainParams.loss as LossKind);
  const columns: TableColumn[] = [
    { name: 'row', type: 'integer', values: Float64Array.from(at, (i) => split.rowIds?.[i] ?? i + 1) },
    ...(data.task === 'classification'
      ? [
          {
            name: data.targetName ?? 'label',
            type: 'category' as const,
            values: at.map((i) => data.classNames?.[split.y[i]] ?? String(split.y[i])),
          },
        ]
      : []),
    { name: 'reconstruction error', type: 'number', values: Float64Array.from(errors) },
  ];
  return {
    ...previewTable({ columns, rowCount: m }, { format: 'reconstructions', headRows: m }),
    sampleShape: [...model.featureShape],
    images,
  };
}

export const genSampleExecutor: Executor<Params> = async (ctx) => {
  const where = `gen.sample (${ctx.nodeId})`;
  const p = ctx.params;
  const model = ctx.inputs.model as TrainedModelValue | undefined;
  if (!model) throw new UserError(`${where}: no trained model arrived at the model input; connect a train.trainer`, 1);
  if (!imageGeometry(model.featureShape)) {
    throw new UserError(
      `${where}: the model's features [${model.featureShape.join(', ')}] are not an image; gen.sample draws [h, w], [1 or 3, h, w], [h, w, 1 or 3] or a square number of values`,
      1,
    );
  }
  const { encoder, decoder, latent } = vaeParts(model, where);
  const data = ctx.inputs.data as DatasetValue | undefined;
  let split: DatasetSplit | undefined;
  if (data) {
    checkCompatible({ ...model, task: data.task }, data, where, p.split);
    split = pickSplit(data, p.split, where);
  }
  const z = await latentPoints(p, latent, encoder, split, where);
  ctx.progress(0.3);
  const decoded = await runTrainedModel(decoder, z, p.count, { signal: ctx.signal });
  const samples: DataPreviewValue = {
    ...previewTable(
      { columns: latentTable(z, p.count, latent), rowCount: p.count },
      { format: 'generated', headRows: p.count },
    ),
    sampleShape: [...model.featureShape],
    images: await imageTiles(decoded.values, p.count, {
      shape: model.featureShape,
      labels: Array.from({ length: p.count }, (_, i) =>
        p.mode === 'random' ? `#${i + 1}` : `t = ${(p.count === 1 ? 0 : i / (p.count - 1)).toFixed(2)}`,
      ),
    }),
  };
  ctx.progress(0.7);
  const outputs: Record<string, unknown> = { samples, encoder, decoder };
  if (data && split && p.reconstructions > 0) outputs.reconstructions = await reconstructionView(model, data, split, p);
  const files: string[] = [];
  if (p.path) {
    const file = resolveParamPath(ctx, p.path, 'write');
    const { png } = await imageGrid(decoded.values, p.count, {
      shape: model.featureShape,
      columns: p.columns || Math.ceil(Math.sqrt(p.count)),
      zoom: p.zoom,
    });
    try {
      await atomicWrite(file, png);
    } catch (e) {
      throw new UserError(
        `${where}: cannot write ${file}: ${(e as Error).message}; check the folder exists and is writable`,
      );
    }
    files.push(file);
  }
  ctx.progress(1);
  return {
    outputs,
    summary: {
      text:
        `${p.count} images decoded from a ${latent}-d latent (${p.mode === 'random' ? `random, temperature ${p.temperature}, seed ${p.seed}` : `interpolated, row ${p.from} → ${p.to}`})` +
        (outputs.reconstructions
          ? `; ${Math.min(p.reconstructions, split!.n)} reconstructions of the ${p.split} split`
          : ''),
      files,
      provider: decoded.provider,
    },
  };
};
