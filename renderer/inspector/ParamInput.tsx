import { useEffect, useState } from 'react';
import type { ParamField } from './paramFields';

interface Props {
  field: ParamField;
  value: unknown;
  onChange: (v: unknown) => void;
  onBrowse?: () => void;
}

function JsonInput({ value, onChange, id }: { value: unknown; onChange: (v: unknown) => void; id: string }) {
  const [text, setText] = useState(() => JSON.stringify(value ?? null));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(JSON.stringify(value ?? null));
  }, [value]);
  return (
    <>
      <textarea
        id={id}
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          try {
            onChange(JSON.parse(text) as unknown);
            setError(null);
          } catch (e) {
            setError(`not JSON: ${(e as Error).message}`);
          }
        }}
      />
      {error && <div className="weft-field-error">{error}</div>}
    </>
  );
}

/** One control of the generated params form. */
export function ParamInput({ field, value, onChange, onBrowse }: Props) {
  const id = `param-${field.key}`;
  const shown = value ?? field.default;
  switch (field.kind) {
    case 'enum':
      return (
        <select
          id={id}
          data-testid={id}
          value={typeof shown === 'string' ? shown : ''}
          onChange={(e) => onChange(e.target.value)}
        >
          {shown === undefined && <option value="">—</option>}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o === '\t' ? 'tab' : o}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <input
          id={id}
          data-testid={id}
          type="checkbox"
          checked={Boolean(shown)}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
    case 'number':
      return (
        <input
          id={id}
          data-testid={id}
          type="number"
          value={typeof shown === 'number' ? shown : ''}
          min={field.min}
          max={field.max}
          step={field.step ?? (field.integer ? 1 : 'any')}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
    case 'file':
      return (
        <div className="weft-file-field">
          <input
            id={id}
            data-testid={id}
            type="text"
            placeholder={field.extensions?.join(' ') ?? 'path'}
            value={typeof shown === 'string' ? shown : ''}
            onChange={(e) => onChange(e.target.value)}
          />
          <button type="button" onClick={onBrowse} data-testid={`${id}-browse`}>
            Browse…
          </button>
        </div>
      );
    case 'string':
      return (
        <input
          id={id}
          data-testid={id}
          type="text"
          value={typeof shown === 'string' ? shown : ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'json':
      return <JsonInput id={id} value={shown} onChange={onChange} />;
  }
}
