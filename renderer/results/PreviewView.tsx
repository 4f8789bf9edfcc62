import { useState } from 'react';
import type { DataPreviewView } from '../../core/common';
import { DataTable } from './DataTable';
import { ExploreViews, type ExploreTab } from './explore/ExploreViews';
import { PagedTable } from './explore/PagedTable';
import { Histogram } from './Histogram';
import { ImageGrid } from './ImageGrid';

function fmt(v: number | undefined): string {
  return v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

type Tab = 'overview' | 'table' | ExploreTab;
const tabs: { id: Tab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'table', label: 'Table' },
  { id: 'distributions', label: 'Distributions' },
  { id: 'scatter', label: 'Scatter' },
  { id: 'correlation', label: 'Correlation' },
  { id: 'pca', label: 'PCA' },
];

/**
 * A table or dataset split. When the engine holds the whole table (`preview.data`), tabs add the
 * data views over every row: the full table, distributions, a scatter plot, correlations and PCA.
 */
export function PreviewView({ preview, nodeId, runId }: { preview: DataPreviewView; nodeId?: string; runId?: string }) {
  const [tab, setTab] = useState<Tab>('overview');
  if (!preview.data || !nodeId) return <Overview preview={preview} />;
  const dataRef = { nodeId, ...(runId ? { runId } : {}), ...preview.data };
  const name = [nodeId, preview.data.port, preview.data.split].filter(Boolean).join('-');
  return (
    <div data-testid="data-views">
      <div className="weft-subtabs weft-view-tabs" role="tablist">
        {tabs.map((t) => (
          <button
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            key={t.id}
            className={t.id === tab ? 'active' : ''}
            onClick={() => setTab(t.id)}
            data-testid={`view-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'overview' && <Overview preview={preview} />}
      {tab === 'table' && <PagedTable dataRef={dataRef} />}
      {tab !== 'overview' && tab !== 'table' && <ExploreViews dataRef={dataRef} tab={tab} name={name} />}
    </div>
  );
}

function Overview({ preview }: { preview: DataPreviewView }) {
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
