import { useState } from 'react';
import type { ExploreView } from '../../../core/common';
import { distributionSpec, heatmapSpec, scatterSpec } from './plotSpecs';
import { UPlotFrame } from './UPlotFrame';
import { useExplore } from './useExplore';
import type { DataRef } from './usePagedRows';

export type ExploreTab = 'distributions' | 'scatter' | 'correlation' | 'pca';

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

function Distributions({ view, name }: { view: ExploreView; name: string }) {
  return (
    <div className="weft-result-grid" data-testid="distributions">
      {view.distributions.map((d) => (
        <UPlotFrame
          key={d.name}
          testId={`distribution-${d.name}`}
          title={
            <>
              {d.name} <span className="weft-muted">· {d.type}</span>{' '}
              <span className={d.missing ? 'weft-missing' : 'weft-muted'} data-testid="missing-count">
                · {d.missing.toLocaleString('en')} missing
              </span>
              {d.kind === 'categorical' && d.other > 0 && (
                <span className="weft-muted"> · {d.other} in other values</span>
              )}
            </>
          }
          spec={distributionSpec(d)}
          specKey={JSON.stringify([view.rowCount, d.name, d.kind === 'numeric' ? d.counts : d.bars])}
          height={180}
          exportName={`${name}-${d.name}`}
        />
      ))}
    </div>
  );
}

function Scatter({ view, name }: { view: ExploreView; name: string }) {
  const cols = view.points.columns;
  const [xName, setX] = useState(cols[0]?.name ?? '');
  const [yName, setY] = useState(cols[1]?.name ?? cols[0]?.name ?? '');
  const x = cols.find((c) => c.name === xName) ?? cols[0];
  const y = cols.find((c) => c.name === yName) ?? cols[1] ?? cols[0];
  if (!x || !y) return <p className="weft-muted">No numeric columns to plot.</p>;
  const pick = (value: string, set: (v: string) => void, testId: string) => (
    <select value={value} onChange={(e) => set(e.target.value)} data-testid={testId}>
      {cols.map((c) => (
        <option key={c.name}>{c.name}</option>
      ))}
    </select>
  );
  return (
    <UPlotFrame
      testId="scatter"
      title={
        <>
          {y.name} against {x.name}
          {view.classColumn && <span className="weft-muted"> · coloured by {view.classColumn}</span>}
          <span className="weft-muted"> · {view.points.rows.length.toLocaleString('en')} points</span>
        </>
      }
      spec={scatterSpec(x.values, y.values, view.points.classIndex, view.classes, { x: x.name, y: y.name })}
      specKey={JSON.stringify([view.rowCount, view.classColumn ?? null, x.name, y.name])}
      height={340}
      exportName={`${name}-${y.name}-vs-${x.name}`}
    >
      <div className="weft-plot-controls">
        x {pick(x.name, setX, 'scatter-x')} y {pick(y.name, setY, 'scatter-y')}
      </div>
    </UPlotFrame>
  );
}

function Pca({
  view,
  name,
  standardize,
  setStandardize,
}: {
  view: ExploreView;
  name: string;
  standardize: boolean;
  setStandardize: (v: boolean) => void;
}) {
  const p = view.pca;
  const toggle = (
    <label className="weft-plot-controls">
      <input
        type="checkbox"
        checked={standardize}
        onChange={(e) => setStandardize(e.target.checked)}
        data-testid="pca-standardize"
      />{' '}
      standardize columns first
    </label>
  );
  if (!p.ok)
    return (
      <div className="weft-card">
        {toggle}
        <p className="weft-muted">{p.reason}</p>
      </div>
    );
  const labels = {
    x: `PC1 (${pct(p.explainedVarianceRatio[0])})`,
    y: `PC2 (${pct(p.explainedVarianceRatio[1] ?? 0)})`,
  };
  return (
    <UPlotFrame
      testId="pca"
      title={
        <>
          PCA of {p.columns.length} columns
          {view.classColumn && <span className="weft-muted"> · coloured by {view.classColumn}</span>}{' '}
          <span className="weft-muted" data-testid="pca-variance">
            · explains {pct(p.explainedVarianceRatio.reduce((a, b) => a + b, 0))} of the variance (
            {p.fittedRows.toLocaleString('en')} rows)
          </span>
        </>
      }
      spec={scatterSpec(p.x, p.y, view.points.classIndex, view.classes, labels)}
      specKey={JSON.stringify([view.rowCount, view.classColumn ?? null, p.standardized, p.explainedVariance])}
      height={340}
      exportName={`${name}-pca`}
    >
      {toggle}
    </UPlotFrame>
  );
}

/** Distributions, a scatter plot, correlations and PCA of a node's table, coloured by a class column. */
export function ExploreViews({ dataRef, tab, name }: { dataRef: DataRef; tab: ExploreTab; name: string }) {
  const [classColumn, setClassColumn] = useState<string>();
  const [standardize, setStandardize] = useState(false);
  const { view, error, loading } = useExplore(dataRef, { ...(classColumn ? { classColumn } : {}), standardize });
  if (error) return <p className="weft-error-text">{error}</p>;
  if (!view) return <p className="weft-muted">{loading ? 'Computing…' : ''}</p>;
  const colourable = view.distributions.filter((d) => d.kind === 'categorical').map((d) => d.name);
  return (
    <div data-testid="explore-views">
      {view.warnings.map((w) => (
        <div className="weft-warning" key={w}>
          {w}
        </div>
      ))}
      {tab !== 'distributions' && tab !== 'correlation' && colourable.length > 0 && (
        <label className="weft-plot-controls">
          colour by{' '}
          <select
            value={view.classColumn ?? ''}
            onChange={(e) => setClassColumn(e.target.value)}
            data-testid="colour-by"
          >
            {colourable.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      )}
      {tab === 'distributions' && <Distributions view={view} name={name} />}
      {tab === 'scatter' && <Scatter view={view} name={name} />}
      {tab === 'correlation' &&
        (view.correlation.columns.length < 2 ? (
          <p className="weft-muted">Correlations need at least 2 numeric columns.</p>
        ) : (
          <UPlotFrame
            testId="correlation"
            title={<>Pearson correlation of {view.correlation.columns.length} numeric columns</>}
            spec={heatmapSpec(view.correlation.columns, view.correlation.matrix)}
            specKey={JSON.stringify(view.correlation)}
            height={Math.min(640, 140 + 34 * view.correlation.columns.length)}
            exportName={`${name}-correlation`}
          />
        ))}
      {tab === 'pca' && <Pca view={view} name={name} standardize={standardize} setStandardize={setStandardize} />}
    </div>
  );
}
