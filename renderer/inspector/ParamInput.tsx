import { useEffect, useState } from 'react';
import type { UpstreamColumns } from '../../core/common';
import type { ParamField } from './paramFields';

interface Props {
  field: ParamField;
  value: unknown;
  onChange: (v: unknown) => void;
  onBrowse?: () => void;
  /** The node's input columns, for column pickers. */
  columns?: UpstreamColumns | undefined;
}

type Column = Extract<UpstreamColumns, { ok: true }>['columns'][number];

function columnLabel(c: Column): string {
  return `${c.name} · ${c.type}${c.missing ? ` · ${c.missing} missing` : ''}`;
}

function ColumnSelect({
  id,
  value,
  columns,
  onChange,
  empty,
}: {
  id: string;
  value: string;
  columns: Column[];
  onChange: (v: string) => void;
  empty: string;
}) {
  const known = columns.some((c) => c.name === value);
  return (
    <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{empty}</option>
      {!known && value !== '' && <option value={value}>{value} (not in the data)</option>}
      {columns.map((c) => (
        <option key={c.name} value={c.name}>
          {columnLabel(c)}
        </option>
      ))}
    </select>
  );
}

function ColumnChecklist({
  id,
  value,
  columns,
  onChange,
}: {
  id: string;
  value: string[];
  columns: Column[];
  onChange: (v: string[]) => void;
}) {
  const unknown = value.filter((v) => !columns.some((c) => c.name === v));
  return (
    <div className="weft-column-list" id={id} data-testid={id} role="group">
      {columns.map((c) => (
        <label key={c.name} className="weft-column-item">
          <input
            type="checkbox"
            checked={value.includes(c.name)}
            data-testid={`${id}-${c.name}`}
            onChange={(e) => onChange(e.target.checked ? [...value, c.name] : value.filter((v) => v !== c.name))}
          />
          <span>{c.name}</span>
          <span className="weft-muted">
            {c.type}
            {c.missing ? ` · ${c.missing} missing` : ''}
          </span>
        </label>
      ))}
      {unknown.map((v) => (
        <label key={v} className="weft-column-item unknown">
          <input type="checkbox" checked onChange={() => onChange(value.filter((x) => x !== v))} />
          <span>{v}</span>
          <span className="weft-field-error">not in the data</span>
        </label>
      ))}
    </div>
  );
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

/** Why `text` is not a valid value of a number field, or null when it is. */
export function numberProblem(text: string, f: Extract<ParamField, { kind: 'number' }>): string | null {
  const t = text.trim();
  if (t === '') return f.optional ? null : 'enter a number';
  const n = Number(t);
  if (!Number.isFinite(n)) return `"${t}" is not a number`;
  if (f.integer && !Number.isInteger(n)) return 'enter a whole number';
  if (f.min !== undefined && n < f.min) return `enter at least ${f.min}`;
  if (f.max !== undefined && n > f.max) return `enter at most ${f.max}`;
  return null;
}

function NumberInput({
  id,
  field,
  value,
  onChange,
}: {
  id: string;
  field: Extract<ParamField, { kind: 'number' }>;
  value: number | undefined;
  onChange: (v: unknown) => void;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const problem = numberProblem(text, field);
  useEffect(() => {
    setText((t) =>
      numberProblem(t, field) === null && Number(t) === value ? t : value === undefined ? '' : String(value),
    );
  }, [value, field]);
  return (
    <>
      <input
        id={id}
        data-testid={id}
        type="text"
        inputMode="decimal"
        aria-invalid={problem !== null}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const t = e.target.value.trim();
          if (numberProblem(t, field) === null) onChange(t === '' ? undefined : Number(t));
        }}
      />
      {problem && (
        <div className="weft-field-error" data-testid={`${id}-invalid`}>
          {problem}
        </div>
      )}
    </>
  );
}

/** One control of the generated params form. */
export function ParamInput({ field, value, onChange, onBrowse, columns }: Props) {
  const id = `param-${field.key}`;
  const shown = value ?? ('default' in field ? field.default : undefined);
  switch (field.kind) {
    case 'column':
      if (!columns?.ok)
        return (
          <input
            id={id}
            data-testid={id}
            type="text"
            value={typeof shown === 'string' ? shown : ''}
            onChange={(e) => onChange(e.target.value)}
          />
        );
      return (
        <ColumnSelect
          id={id}
          value={typeof shown === 'string' ? shown : ''}
          columns={columns.columns}
          onChange={onChange}
          empty={field.doc?.match(/empty = ([^;(,]+)/)?.[1]?.trim() ?? '—'}
        />
      );
    case 'columns':
      if (!columns?.ok) return <JsonInput id={id} value={shown ?? []} onChange={onChange} />;
      return (
        <ColumnChecklist
          id={id}
          value={Array.isArray(shown) ? shown.filter((x): x is string => typeof x === 'string') : []}
          columns={columns.columns}
          onChange={onChange}
        />
      );
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
        <NumberInput id={id} field={field} value={typeof shown === 'number' ? shown : undefined} onChange={onChange} />
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
