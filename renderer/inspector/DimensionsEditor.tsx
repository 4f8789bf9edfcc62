import { useEffect, useState } from 'react';
import type { AnyNodeDefinition } from '../../core/common';
import type { Dimension } from '../../core/common/search/space';
import {
  defaultDraft,
  describeDimension,
  draftOf,
  draftToDimension,
  problemDimension,
  searchableParams,
  type DimensionDraft,
} from './dimensionDraft';

export interface UpstreamNode {
  id: string;
  label: string;
  def: AnyNodeDefinition | undefined;
  params: Record<string, unknown>;
}

interface Props {
  value: unknown;
  upstream: readonly UpstreamNode[];
  onChange: (dimensions: Dimension[]) => void;
  /** Validation messages about the dimensions (a node or param that no longer exists). */
  problems?: readonly string[];
}

const EMPTY: DimensionDraft = { node: '', param: '', type: 'float', low: '', high: '', scale: 'log', choices: '' };

/** `tune.search` dimensions as a list plus a node → param → range form; the document keeps the JSON shape. */
export function DimensionsEditor({ value, upstream, onChange, problems = [] }: Props) {
  const dims = Array.isArray(value) ? (value as Dimension[]) : [];
  const [draft, setDraft] = useState<DimensionDraft>(EMPTY);
  const [touched, setTouched] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const node = upstream.find((n) => n.id === draft.node);
  const params = node?.def ? searchableParams(node.def) : [];
  const result = draftToDimension(
    draft,
    dims.filter((_, i) => i !== editing),
  );
  const edit = (patch: Partial<DimensionDraft>): void => {
    setDraft({ ...draft, ...patch });
    setTouched(true);
  };
  const pickParam = (key: string): void => {
    const field = params.find((f) => f.key === key);
    if (!field) return edit({ param: '' });
    setDraft(defaultDraft(draft.node, field, node?.params[key]));
    setTouched(true);
  };
  const add = (): void => {
    if (!result.ok) return;
    onChange(
      editing === null ? [...dims, result.dimension] : dims.map((d, i) => (i === editing ? result.dimension : d)),
    );
    setDraft({ ...EMPTY, node: draft.node });
    setTouched(false);
    setEditing(null);
  };
  const startEdit = (i: number): void => {
    const d = dims[i];
    if (!d) return;
    setDraft(draftOf(d));
    setEditing(i);
    setTouched(true);
  };
  const stopEdit = (): void => {
    setDraft(EMPTY);
    setEditing(null);
    setTouched(false);
  };
  return (
    <div className="weft-dimensions" data-testid="dimensions-editor">
      {dims.length === 0 && <div className="weft-muted">No dimensions yet: add one below.</div>}
      <ul className="weft-dimension-list">
        {dims.map((d, i) => {
          const own = problems.filter((p) => problemDimension(dims, p) === i);
          return (
            <li key={`${d.node}.${d.param}.${i}`} data-testid={`dimension-${d.node}.${d.param}`}>
              <span>{describeDimension(d)}</span>
              <button
                type="button"
                title="change this dimension's range or choices"
                data-testid={`dimension-edit-${d.node}.${d.param}`}
                onClick={() => startEdit(i)}
              >
                edit
              </button>
              <button
                type="button"
                title="remove this dimension"
                data-testid={`dimension-remove-${d.node}.${d.param}`}
                onClick={() => {
                  if (editing !== null) stopEdit();
                  onChange(dims.filter((_, j) => j !== i));
                }}
              >
                ×
              </button>
              {own.map((p) => (
                <div className="weft-field-error" key={p}>
                  {p}
                </div>
              ))}
            </li>
          );
        })}
      </ul>
      <fieldset className="weft-dimension-form">
        <legend>
          {editing === null ? 'Add a dimension' : `Change ${dims[editing]?.node}.${dims[editing]?.param}`}
        </legend>
        <select
          data-testid="dimension-node"
          value={draft.node}
          onChange={(e) => edit({ ...EMPTY, node: e.target.value })}
        >
          <option value="">node…</option>
          {upstream.map((n) => (
            <option key={n.id} value={n.id}>
              {n.label}
            </option>
          ))}
        </select>
        <select
          data-testid="dimension-param"
          value={draft.param}
          disabled={!node}
          onChange={(e) => pickParam(e.target.value)}
        >
          <option value="">param…</option>
          {params.map((f) => (
            <option key={f.key} value={f.key} title={f.doc}>
              {f.key}
            </option>
          ))}
        </select>
        <select
          data-testid="dimension-type"
          value={draft.type}
          onChange={(e) => edit({ type: e.target.value as DimensionDraft['type'] })}
        >
          <option value="int">int range</option>
          <option value="float">float range</option>
          <option value="choice">list of choices</option>
        </select>
        {draft.type === 'choice' ? (
          <textarea
            data-testid="dimension-choices"
            rows={2}
            placeholder="JSON list, e.g. [[32], [64, 64]]"
            value={draft.choices}
            onChange={(e) => edit({ choices: e.target.value })}
          />
        ) : (
          <span className="weft-dimension-range">
            <input
              type="text"
              data-testid="dimension-low"
              aria-label="low"
              placeholder="low"
              value={draft.low}
              onChange={(e) => edit({ low: e.target.value })}
            />
            ..
            <input
              type="text"
              data-testid="dimension-high"
              aria-label="high"
              placeholder="high"
              value={draft.high}
              onChange={(e) => edit({ high: e.target.value })}
            />
            <select
              data-testid="dimension-scale"
              value={draft.scale}
              onChange={(e) => edit({ scale: e.target.value as DimensionDraft['scale'] })}
            >
              <option value="linear">linear</option>
              <option value="log">log</option>
            </select>
          </span>
        )}
        <button type="button" data-testid="dimension-add" disabled={!result.ok} onClick={add}>
          {editing === null ? 'Add' : 'Update'}
        </button>
        {editing !== null && (
          <button type="button" data-testid="dimension-cancel" onClick={stopEdit}>
            Cancel
          </button>
        )}
        {touched && !result.ok && (
          <div className="weft-field-error" data-testid="dimension-error">
            {result.error}
          </div>
        )}
      </fieldset>
    </div>
  );
}

/** The objective: a metric the connected evaluation reported (after a run) or any name typed in. */
export function MetricInput({
  id,
  value,
  metrics,
  onChange,
}: {
  id: string;
  value: unknown;
  metrics: readonly string[];
  onChange: (v: string) => void;
}) {
  const [text, setText] = useState(typeof value === 'string' ? value : '');
  useEffect(() => {
    if (typeof value === 'string') setText((t) => (t.trim() === value ? t : value));
  }, [value]);
  const known = metrics.length === 0 || metrics.includes(text.trim());
  return (
    <>
      <input
        id={id}
        data-testid={id}
        type="text"
        list={`${id}-list`}
        value={text}
        placeholder="accuracy"
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim()) onChange(e.target.value.trim());
        }}
      />
      <datalist id={`${id}-list`} data-testid={`${id}-list`}>
        {metrics.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      {text.trim() === '' && <div className="weft-field-error">enter a metric name</div>}
      {text.trim() !== '' && !known && (
        <div className="weft-field-doc" data-testid={`${id}-unknown`}>
          The connected evaluation last reported {metrics.join(', ')}.
        </div>
      )}
    </>
  );
}
