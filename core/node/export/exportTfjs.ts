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
import { buildTfjsModel, onnxChainToLayers } from './tfjsLayers';
import type { VerifyRows } from './verifyRows';

/** Class names beside model.json: a JSON array, index = the argmax of the model's output. */
export const LABELS_FILE = 'labels.json';

export interface TfjsExportReport {
  dir: string;
  files: string[];
  layers: string[];
  rows: number;
  rowsSource: string;
  maxAbsDiff: number;
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
  const graph = decodeModel(model.onnx).graph;
  const layers = onnxChainToLayers(graph, model.inputName, model.outputName, model.featureShape);
  const built = buildTfjsModel(layers);
  const staging = `${opts.dir}.unverified`;
  await rm(staging, { recursive: true, force: true });
  const files: string[] = [];
  try {
    built.setUserDefinedMetadata({
      weft: {
        input: {
          name: 'features',
          shape: ['N', ...model.featureShape],
          preprocessing: 'apply the listed transforms first',
        },
        ...modelCard(model),
      },
    });
    await built.save(folderSaver(staging, files));
    if (model.task === 'classification' && model.classNames?.length) {
      await atomicWrite(path.join(staging, LABELS_FILE), `${JSON.stringify(model.classNames)}\n`);
      files.push(path.join(staging, LABELS_FILE));
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
    const out = tf.tidy(() => loaded.predict(tf.tensor(rows.x, [rows.n, ...model.featureShape])) as tf.Tensor);
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
  };
}
