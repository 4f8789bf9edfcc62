/** Class counts as horizontal bars. */
export function Histogram({ bars, title }: { bars: { label: string; count: number }[]; title: string }) {
  const max = Math.max(1, ...bars.map((b) => b.count));
  return (
    <div className="weft-histogram" data-testid="class-histogram">
      <h4>{title}</h4>
      {bars.map((b) => (
        <div className="weft-bar-row" key={b.label}>
          <span className="weft-bar-label">{b.label}</span>
          <span className="weft-bar" style={{ width: `${(70 * b.count) / max}%` }} />
          <span className="weft-bar-count">{b.count}</span>
        </div>
      ))}
    </div>
  );
}
