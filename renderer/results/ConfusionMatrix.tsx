/** `confusion[actual][predicted]` as a heatmap; the diagonal is what the model got right. */
export function ConfusionMatrix({ matrix, classNames }: { matrix: number[][]; classNames?: string[] }) {
  const max = Math.max(1, ...matrix.flat());
  const name = (i: number): string => classNames?.[i] ?? String(i);
  return (
    <table className="weft-confusion" data-testid="confusion-matrix">
      <thead>
        <tr>
          <th className="corner">actual ↓ / predicted →</th>
          {matrix[0]?.map((_, j) => (
            <th key={j}>{name(j)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={i}>
            <th>{name(i)}</th>
            {row.map((v, j) => {
              const t = v / max;
              return (
                <td
                  key={j}
                  className={i === j ? 'diag' : ''}
                  style={{
                    background: `rgba(${i === j ? '25,113,194' : '224,49,49'}, ${0.08 + 0.85 * t})`,
                    color: t > 0.55 ? '#fff' : '#212529',
                  }}
                  title={`actual ${name(i)}, predicted ${name(j)}: ${v}`}
                >
                  {v}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
