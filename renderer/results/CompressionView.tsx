import type { CompressedModel, CompressionValue } from '../../core/common';

type Figure = 'parameters' | 'bytes' | 'batch1Ms' | 'batch256Ms';

const FIGURES: { key: Figure; label: string; format: (v: number) => string }[] = [
  { key: 'parameters', label: 'parameters', format: (v) => v.toLocaleString('en-US') },
  { key: 'bytes', label: 'file size', format: (v) => (v >= 10_240 ? `${(v / 1024).toFixed(1)} KiB` : `${v} B`) },
  { key: 'batch1Ms', label: 'batch-1 ms', format: (v) => v.toFixed(4) },
  { key: 'batch256Ms', label: 'batch-256 ms', format: (v) => v.toFixed(3) },
];

function Cell({ m, base, figure }: { m: CompressedModel; base: CompressedModel; figure: (typeof FIGURES)[number] }) {
  const v = m[figure.key];
  const r = base[figure.key];
  const width = r > 0 ? Math.max(0, Math.min(1, v / r)) * 100 : 0;
  return (
    <td className="num" data-testid={`compression-${m.id}-${figure.key}`}>
      {figure.format(v)}
      {m !== base && v > 0 && <span className="weft-muted"> ({(r / v).toFixed(2)}×)</span>}
      <div className="weft-meter" title={`share of ${base.id}'s ${figure.label}`}>
        <div className="weft-meter-fill" style={{ width: `${width}%` }} />
      </div>
    </td>
  );
}

/**
 * eval.compression: one row per model with accuracy (and its change against the first model),
 * parameters, file size and latency at batch 1 and 256; each bar is the share of the first model's figure.
 */
export function CompressionView({ compression: c }: { compression: CompressionValue }) {
  const ref = c.models[0];
  if (!ref) return null;
  return (
    <div className="weft-card" data-testid="compression-view">
      <h4>
        Compression report ({c.rows} rows of the {c.split} split; latency: median onnxruntime run, CPU, one thread;
        ratios against {ref.id})
      </h4>
      <table className="weft-table weft-compare" data-testid="compression-table">
        <thead>
          <tr>
            <th>model</th>
            <th>accuracy</th>
            {FIGURES.map((f) => (
              <th key={f.key}>{f.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {c.models.map((m) => (
            <tr key={m.id} data-testid={`compression-row-${m.id}`}>
              <td>
                {m.id} <span className="weft-muted">{m.kind}</span>
              </td>
              <td className="num" data-testid={`compression-${m.id}-accuracy`}>
                {(m.accuracy * 100).toFixed(2)}%
                {m !== ref && (
                  <span className="weft-muted">
                    {' '}
                    ({m.accuracy >= ref.accuracy ? '+' : ''}
                    {((m.accuracy - ref.accuracy) * 100).toFixed(2)} pts)
                  </span>
                )}
              </td>
              {FIGURES.map((f) => (
                <Cell key={f.key} m={m} base={ref} figure={f} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {c.models.some((m) => m.nonzero < m.parameters) && (
        <p className="weft-muted">
          Non-zero parameters: {c.models.map((m) => `${m.id} ${m.nonzero.toLocaleString('en-US')}`).join(', ')} (zeros
          still take space in the file unless layers were removed).
        </p>
      )}
      {c.warnings.map((w) => (
        <p className="weft-warning" key={w} data-testid="compression-warning">
          {w}
        </p>
      ))}
    </div>
  );
}
