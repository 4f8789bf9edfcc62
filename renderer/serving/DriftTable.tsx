import type { FeatureDriftView } from '../../core/common/serving/servingStats';

const fmt = (v: number | null, digits = 3): string => (v === null ? '—' : v.toFixed(digits));

/** PSI above this is usually read as a large shift. */
const PSI_LARGE = 0.25;

/** Per-feature live input statistics against training: mean shift in training std units and PSI. */
export function DriftTable({ features }: { features: FeatureDriftView[] }) {
  if (!features.length)
    return <p className="weft-muted">No numeric inputs seen yet: drift appears once requests arrive.</p>;
  const versions = new Set(features.map((f) => `${f.model}/${f.version}`));
  return (
    <table className="serving-drift" data-testid="serving-drift">
      <thead>
        <tr>
          {versions.size > 1 && <th>Model</th>}
          <th>Feature</th>
          <th>Values</th>
          <th>Missing</th>
          <th>Mean</th>
          <th>Std</th>
          <th title="(live mean − training mean) / training std">Mean shift</th>
          <th title="Population stability index against the training distribution (> 0.25: a large shift)">PSI</th>
        </tr>
      </thead>
      <tbody>
        {features.map((f) => (
          <tr key={`${f.model}/${f.version}/${f.input}/${f.feature}`} data-testid={`serving-drift-${f.feature}`}>
            {versions.size > 1 && (
              <td>
                {f.model} v{f.version}
              </td>
            )}
            <td>{f.feature}</td>
            <td>{f.values}</td>
            <td>{f.missing}</td>
            <td>{fmt(f.mean)}</td>
            <td>{fmt(f.std)}</td>
            <td className={f.meanShift !== null && Math.abs(f.meanShift) > 1 ? 'serving-alert' : ''}>
              {fmt(f.meanShift, 2)}
            </td>
            <td className={f.psi !== null && f.psi > PSI_LARGE ? 'serving-alert' : ''}>{fmt(f.psi)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
