/**
 * `export.tfjs`: writes a TF.js layers model (model.json + weights.bin) and checks it by loading
 * the written files with `tf.loadLayersModel` and comparing with in-app predictions.
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TrainedModelValue } from '../../common';
import { fileError } from '../data/openInput';
import { atomicWrite } from '../engine/atomicWrite';
import { UserError } from '../executors/Executor';
import { runTrainedModel } from '../inference/runModel';
import { EXPORT_TOLERANCE, modelCard } from './exportOnnx';
import { decodeModel } from '../../common/model/onnx/decodeModel';
import { maxAbsDiff } from './runExported';
import { preprocessJs } from './preprocessJs';
import { buildTfjsModel, onnxChainToLayers } from './tfjsLayers';
import { foldDense, planRawFold, rawModelInput, type RawFold } from './tfjsRawInput';
import type { VerifyRows } from './verifyRows';

/** Class names beside model.json: a JSON array, index = the argmax of the model's output. */
const LABELS_FILE = 'labels.json';
/** The generated raw-row preprocessing beside model.json (tabular models). */
const PREPROCESS_FILE = 'preprocess.js';

export interface TfjsExportReport {
  dir: string;
  files: string[];
  layers: string[];
  rows: number;
  rowsSource: string;
  maxAbsDiff: number;
  /** What `model.predict` takes, in words, and what the caller must do first. */
  input: { raw: boolean; columns: string[]; width: number; caller: string };
}

/** Folds the affine preprocessing into the first Dense layer when the model allows it. */
function foldRawInput(
  model: TrainedModelValue,
  layers: ReturnType<typeof onnxChainToLayers>,
  rows: VerifyRows,
): RawFold | string {
  const plan = planRawFold(model);
  if ('reason' in plan) return plan.reason;
  if (!rows.raw) return 'the verification rows have no raw values to check a raw-input model against';
  const first = layers[0];
  if (first?.layer.getClassName() !== 'Dense' || first.weights.length !== 2)
    return 'the first layer is not a Dense layer with a bias to fold the scaling into';
  const [k, b] = foldDense(first.weights[0], first.weights[1], plan.fold);
  for (const w of first.weights) w.dispose();
  first.weights = [k, b];
  return plan.fold;
}

function callerNote(model: TrainedModelValue, fold: RawFold | string): string {
  if (typeof fold !== 'string') {
    const filled = fold.fills.some((f) => f !== undefined);
    return (
      `feed raw numbers in the order ${fold.columns.join(', ')}; scaling is folded into the first layer` +
      (filled
        ? `; replace missing values with the training fill (preprocess.js modelInput does) — NaN is not handled inside the model`
        : '')
    );
  }
  if (!model.rawFeatures?.length) return 'feed the feature tensor as the app builds it';
  return `feed the assembled feature vector (${fold}); preprocess.js (modelInput / features) builds it from raw rows: impute, scale and encode with the fitted values`;
}

/** Saves model artifacts as model.json + weights.bin in `dir`, as `tf.io` browser downloads would. */
function folderSaver(dir: string, files: string[]): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const weights = artifacts.weightData;
      const bin =
        weights instanceof ArrayBuffer
          ? new Uint8Array(weights)
          : new Uint8Array(await new Blob(weights).arrayBuffer());
      const json = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: 'weft',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await mkdir(dir, { recursive: true });
      await atomicWrite(path.join(dir, 'weights.bin'), bin);
      await atomicWrite(path.join(dir, 'model.json'), JSON.stringify(json));
      files.push(path.join(dir, 'model.json'), path.join(dir, 'weights.bin'));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
}

/** Loads model.json and the weight files it lists from disk, as `tf.loadLayersModel('file://…')` would in tfjs-node. */
export function folderLoader(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(modelJson, 'utf8')) as tf.io.ModelJSON;
      const manifest = json.weightsManifest;
      const chunks = await Promise.all(
        manifest.flatMap((g) => g.paths.map((p) => readFile(path.join(path.dirname(modelJson), p)))),
      );
      const total = chunks.reduce((a, c) => a + c.byteLength, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) {
        weightData.set(c, offset);
        offset += c.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: weightData.buffer,
        ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
      };
    },
  };
}

export async function exportTfjs(
  model: TrainedModelValue,
  opts: { dir: string; rows: VerifyRows; signal?: AbortSignal },
): Promise<TfjsExportReport> {
  const tokenized = model.transforms.find((t) => t.kind === 'tokenize');
  if (tokenized)
    throw new UserError(
      `export.tfjs: column '${tokenized.column}' is tokenized (prep.tokenize) and preprocess.js has no tokenizer; ` +
        'export ONNX instead (export.onnx): it takes the token ids and carries the tokenizer settings in its metadata',
    );
  const graph = decodeModel(model.onnx).graph;
  const layers = onnxChainToLayers(graph, model.inputName, model.outputName, model.featureShape);
  const fold = foldRawInput(model, layers, opts.rows);
  const raw = typeof fold !== 'string';
  const width = raw ? fold.columns.length : model.featureShape.reduce((a, c) => a * c, 1);
  const input = {
    raw,
    columns: raw ? fold.columns : (model.featureNames ?? []),
    width,
    caller: callerNote(model, fold),
  };
  const built = buildTfjsModel(layers);
  const staging = `${opts.dir}.unverified`;
  await rm(staging, { recursive: true, force: true });
  const files: string[] = [];
  try {
    built.setUserDefinedMetadata({
      weft: {
        input: {
          name: raw ? 'raw' : 'features',
          shape: raw ? ['N', width] : ['N', ...model.featureShape],
          columns: input.columns,
          preprocessing: input.caller,
        },
        ...modelCard(model),
      },
    });
    await built.save(folderSaver(staging, files));
    if (model.task === 'classification' && model.classNames?.length) {
      await atomicWrite(path.join(staging, LABELS_FILE), `${JSON.stringify(model.classNames)}\n`);
      files.push(path.join(staging, LABELS_FILE));
    }
    if (model.rawFeatures?.length) {
      await atomicWrite(path.join(staging, PREPROCESS_FILE), preprocessJs(model, raw ? fold : undefined, width));
      files.push(path.join(staging, PREPROCESS_FILE));
    }
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => {});
    throw (e as NodeJS.ErrnoException).code ? fileError(opts.dir, e, 'write') : e;
  } finally {
    built.dispose();
  }
  const { rows } = opts;
  const inApp = await runTrainedModel(model, rows.x, rows.n, opts.signal ? { signal: opts.signal } : {});
  const loaded = await tf.loadLayersModel(folderLoader(path.join(staging, 'model.json')));
  let diff: number;
  try {
    const x = raw ? rawModelInput(fold, rows) : rows.x;
    const shape = raw ? [rows.n, width] : [rows.n, ...model.featureShape];
    const out = tf.tidy(() => loaded.predict(tf.tensor(x, shape)) as tf.Tensor);
    diff = maxAbsDiff(await out.data<'float32'>(), inApp.values);
    out.dispose();
  } finally {
    loaded.dispose();
  }
  if (!(diff <= EXPORT_TOLERANCE)) {
    await rm(staging, { recursive: true, force: true });
    throw new UserError(
      `export.tfjs failed verification: the TF.js model differs from in-app predictions by up to ${diff.toExponential(3)} (allowed ${EXPORT_TOLERANCE}) on ${rows.source}; nothing was written to ${opts.dir}`,
      1,
    );
  }
  await mkdir(opts.dir, { recursive: true }).catch((e: unknown) => {
    throw fileError(opts.dir, e, 'write');
  });
  const names = files.map((f) => path.basename(f)).filter((n) => n !== 'model.json');
  for (const name of [...names, 'model.json']) await rename(path.join(staging, name), path.join(opts.dir, name));
  await rm(staging, { recursive: true, force: true });
  return {
    dir: opts.dir,
    files: files.map((f) => path.join(opts.dir, path.basename(f))),
    layers: layers.map((l) => l.layer.getClassName()),
    rows: rows.n,
    rowsSource: rows.source,
    maxAbsDiff: diff,
    input,
  };
}
