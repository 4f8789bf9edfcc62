import type { ColumnStats, DataPreviewValue, ImageSample } from '../../common';
import { previewTable } from '../../common/nodes/data/tablePreview';
import { moments } from '../../common/nodes/prep/refitDataset';
import { thumbnail, type ImageFolder } from './readImages';

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
  const m = moments(data.x);
  const pixel: ColumnStats = {
    name: 'pixel',
    type: 'number',
    count: m.n,
    missing: data.x.length - m.n,
    min: m.min,
    max: m.max,
    mean: m.mean,
    std: m.std,
  };
  const images: ImageSample[] = [];
  const shown = new Array<number>(data.classNames.length).fill(0);
  for (let i = 0; i < data.y.length && images.length < MAX_THUMBS; i++) {
    const k = data.y[i];
    if (shown[k] >= THUMBS_PER_CLASS) continue;
    shown[k]++;
    images.push(await thumbnail(data.x, data.featureShape, i, data.classNames[k]));
  }
  const warnings = [...data.warnings];
  return {
    ...preview,
    schema: [...preview.schema, { name: 'pixel', type: 'number' }],
    stats: [...preview.stats, pixel],
    sampleShape: [...data.featureShape],
    images,
    ...(warnings.length ? { warnings } : {}),
  };
}
