import type { DataPreviewView } from '../../core/common';
import { DataTable } from './DataTable';
import { Histogram } from './Histogram';
import { ImageGrid } from './ImageGrid';

function fmt(v: number | undefined): string {
  return v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** A table or dataset split: first rows (virtualised), column statistics, class histogram, images. */
export function PreviewView({ preview }: { preview: DataPreviewView }) {
  return (
    <div className="weft-preview" data-testid="data-preview">
      <h4>
        {preview.title}{' '}
        <span className="weft-muted">
          · {preview.rowCount} rows · {preview.stats.length} columns
        </span>
      </h4>
      {preview.warnings?.map((w, i) => (
        <div className="weft-warning" key={i}>
          {w}
        </div>
      ))}
      {preview.images && preview.images.length > 0 && <ImageGrid images={preview.images} />}
      <DataTable columns={preview.head.columns} rows={preview.head.rows} testId="preview-table" />
      <div className="weft-result-grid">
        <div className="weft-card">
          <h4>Column statistics</h4>
          <DataTable
            columns={['column', 'type', 'missing', 'unique', 'mean', 'std', 'min', 'max', 'top']}
            rows={preview.stats.map((s) => [
              s.name,
              s.type,
              s.missing,
              s.unique ?? null,
              fmt(s.mean),
              fmt(s.std),
              fmt(s.min),
              fmt(s.max),
              s.top
                ?.slice(0, 3)
                .map((t) => `${t.value} (${t.count})`)
                .join(', ') ?? '',
            ])}
          />
        </div>
        {preview.classHistogram && (
          <Histogram
            bars={preview.classHistogram}
            title={`Classes${preview.classColumn ? ` of ${preview.classColumn}` : ''}`}
          />
        )}
      </div>
    </div>
  );
}
