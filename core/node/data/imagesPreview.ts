import path from 'node:path';
import type { ColumnStats, DataPreviewValue, ImageSample } from '../../common';
import { previewTable } from '../../common/nodes/data/tablePreview';
import { moments } from '../../common/transforms/TransformModule';
import { decodeImageFiles, thumbnail, type ImageFolder } from './readImages';

/** Thumbnails per class in a preview, and in all. */
export const THUMBS_PER_CLASS = 4;
export const MAX_THUMBS = 48;

/**
 * A DataPreview of a decoded image folder: one row per image (file, class), the class
 * histogram, pixel statistics, and a few thumbnails of every class.
 */
export async function imagesPreview(data: ImageFolder, headRows = 10): Promise<DataPreviewValue> {
  const labels = Array.from(data.y, (k) => data.classNames[k]);
  const preview = previewTable(
    {
      rowCount: data.files.length,
      source: data.folder,
      columns: [
        { name: 'file', type: 'text', values: data.files },
        { name: 'class', type: 'category', values: labels },
      ],
    },
    { format: 'images', target: 'class', headRows },
  );
  // Thumbnails: the first few samples of every class. A lazy folder decodes just those, and its
  // pixel statistics come from them.
  const picked: number[] = [];
  const shown = new Array<number>(data.classNames.length).fill(0);
  for (let i = 0; i < data.y.length && picked.length < MAX_THUMBS; i++) {
    const k = data.y[i];
    if (shown[k] >= THUMBS_PER_CLASS) continue;
    shown[k]++;
    picked.push(i);
  }
  let x = data.x;
  const rowOf = (j: number): number => (data.lazy ? j : picked[j]);
  const notes: string[] = [];
  if (data.lazy) {
    x = new Float32Array(picked.length * data.featureShape.reduce((a, b) => a * b, 1));
    await decodeImageFiles(
      picked.map((i) => path.join(data.folder, data.files[i])),
      data.lazy,
      x,
    );
    notes.push(`pixel statistics from the ${picked.length} thumbnail images (the folder loads per batch)`);
  }
  const m = moments(x);
  const pixel: ColumnStats = {
    name: 'pixel',
    type: 'number',
    count: m.n,
    missing: x.length - m.n,
    min: m.min,
    max: m.max,
    mean: m.mean,
    std: m.std,
  };
  const images: ImageSample[] = [];
  for (let j = 0; j < picked.length; j++)
    images.push(await thumbnail(x, data.featureShape, rowOf(j), data.classNames[data.y[picked[j]]]));
  const warnings = [...data.warnings, ...notes];
  return {
    ...preview,
    schema: [...preview.schema, { name: 'pixel', type: 'number' }],
    stats: [...preview.stats, pixel],
    sampleShape: [...data.featureShape],
    images,
    ...(warnings.length ? { warnings } : {}),
  };
}
