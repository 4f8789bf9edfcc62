import { useMemo, useState, type DragEvent } from 'react';
import type { AnyNodeDefinition } from '../../core/common';
import { formatPortType } from '../../core/common';
import { NODE_DRAG_MIME } from '../canvas/Canvas';
import { groupedDefinitions } from '../store/nodeCatalog';
import { useStudio } from '../store/useStudio';

function ports(def: AnyNodeDefinition): string {
  const ins = def.inputs.map((p) => `${p.name}: ${formatPortType(p.type)}`).join(', ') || 'none';
  const outs = def.outputs.map((p) => `${p.name}: ${formatPortType(p.type)}`).join(', ') || 'none';
  return `in ${ins} · out ${outs}`;
}

/** Every registered node type by category, with search; drag one onto the canvas (or press Enter). */
export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const query = useStudio((s) => s.paletteQuery);
  const setQuery = useStudio((s) => s.setPaletteQuery);
  const groups = useMemo(() => groupedDefinitions(query), [query]);
  const [hover, setHover] = useState<AnyNodeDefinition | null>(null);

  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(NODE_DRAG_MIME, type);
    e.dataTransfer.setData('text/plain', type);
    e.dataTransfer.effectAllowed = 'copy';
    setHover(null);
  };

  return (
    <aside className="weft-palette" data-testid="palette">
      <input
        className="weft-search"
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-label="Search nodes"
        data-testid="palette-search"
      />
      <div className="weft-palette-groups">
        {groups.map((g) => (
          <section key={g.category} className="weft-palette-group">
            <h3>{g.category}</h3>
            {g.defs.map((d) => (
              <div
                key={d.type}
                className="weft-palette-item"
                draggable
                tabIndex={0}
                role="button"
                data-testid={`palette-item-${d.type}`}
                onDragStart={(e) => onDragStart(e, d.type)}
                onMouseEnter={() => setHover(d)}
                onMouseLeave={() => setHover(null)}
                onFocus={() => setHover(d)}
                onBlur={() => setHover(null)}
                title={`${d.doc}\n\nClick to add at the centre of the view, or drag onto the canvas.`}
                onClick={() => onAdd(d.type)}
                onKeyDown={(e) => e.key === 'Enter' && onAdd(d.type)}
              >
                <span className="weft-palette-title">{d.title}</span>
                <span className="weft-palette-type">{d.type}</span>
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && <p className="weft-muted">No node matches “{query}”.</p>}
      </div>
      {hover && (
        <div className="weft-palette-doc" data-testid="palette-doc">
          <strong>{hover.title}</strong> <code>{hover.type}</code>
          <p>{hover.doc}</p>
          <p className="weft-muted">{ports(hover)}</p>
        </div>
      )}
    </aside>
  );
}
