import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatPortType } from '../../core/common';
import type { Dimension } from '../../core/common/search/space';
import { pickParamPath } from '../files/fileActions';
import { definitionOf } from '../store/nodeCatalog';
import { useStudio, type StudioState } from '../store/useStudio';
import { useColumns } from './columnStore';
import { DimensionsEditor, MetricInput } from './DimensionsEditor';
import { objectiveMetrics, problemDimension, upstreamNodeIds } from './dimensionDraft';
import { ParamInput } from './ParamInput';
import { fieldApplies, paramFields, splitFields, type ParamField } from './paramFields';

const NONE: string[] = [];

/** The one selected node's id, else how many nodes are selected (a primitive: a drag does not change it). */
function selectionOf(s: StudioState): string | number {
  let id: string | undefined;
  let count = 0;
  for (const n of s.nodes) {
    if (!n.selected) continue;
    count++;
    id = n.id;
  }
  return count === 1 && id !== undefined ? id : count;
}

/** The selected node's params as a form generated from its zod schema, with inline errors. */
export function Inspector() {
  const selection = useStudio(selectionOf);
  const data = useStudio((s) =>
    typeof selection === 'string' ? s.nodes.find((n) => n.id === selection)?.data : undefined,
  );
  const selected = useMemo(
    () => (typeof selection === 'string' ? (data ? { id: selection, data } : 0) : selection),
    [selection, data],
  );
  const errors = useStudio((s) =>
    typeof selected === 'object' && selected ? s.validation.errors[selected.id] : undefined,
  );
  const setParam = useStudio((s) => s.setParam);
  const setLabel = useStudio((s) => s.setLabel);
  const run = useStudio((s) => s.run);
  const running = useStudio((s) => s.running);
  const showResults = useStudio((s) => s.showResults);
  const edges = useStudio((s) => s.edges);
  const searchId = typeof selected === 'object' && selected.data.type === 'tune.search' ? selected.id : undefined;
  const upstreamIds = useMemo(() => (searchId ? upstreamNodeIds(edges, searchId) : NONE), [edges, searchId]);
  const upstreamData = useStudio(useShallow((s) => upstreamIds.map((id) => s.nodes.find((n) => n.id === id)?.data)));
  const nodeRun = useStudio((s) => s.nodeRun);
  const columns = useColumns((c) => (typeof selected === 'object' && selected ? c.byNode[selected.id] : undefined));

  if (typeof selected !== 'object' || !selected) {
    return (
      <aside className="weft-inspector" data-testid="inspector">
        <p className="weft-muted">
          {selected ? `${selected} nodes selected.` : 'Select a node to edit its parameters.'}
        </p>
      </aside>
    );
  }
  const def = definitionOf(selected.data.type);
  if (!def) {
    return (
      <aside className="weft-inspector" data-testid="inspector">
        <p className="weft-field-error">Unknown node type {selected.data.type}.</p>
      </aside>
    );
  }
  const fields = paramFields(def);
  const { basic, advanced } = splitFields(def);
  const applies = (f: ParamField): boolean => fieldApplies(f, selected.data.params, fields);
  const isSearch = def.type === 'tune.search';
  const input = (f: ParamField) => {
    if (isSearch && f.key === 'dimensions') {
      const upstream = upstreamIds.flatMap((id, i) => {
        const d = upstreamData[i];
        return d
          ? [
              {
                id,
                label: d.label ? `${d.label} (${id})` : id,
                def: definitionOf(d.type),
                params: d.params,
              },
            ]
          : [];
      });
      return (
        <DimensionsEditor
          value={selected.data.params[f.key]}
          upstream={upstream}
          onChange={(v) => setParam(selected.id, f.key, v)}
          problems={(errors ?? []).filter((e) => e.kind === 'bad-param').map((e) => e.message)}
        />
      );
    }
    if (isSearch && f.key === 'metric')
      return (
        <MetricInput
          id={`param-${f.key}`}
          value={selected.data.params[f.key] ?? (f.kind === 'string' ? f.default : undefined)}
          metrics={objectiveMetrics(edges, selected.id, nodeRun)}
          onChange={(v) => setParam(selected.id, f.key, v)}
        />
      );
    return (
      <ParamInput
        field={f}
        value={selected.data.params[f.key]}
        onChange={(v) => setParam(selected.id, f.key, v)}
        columns={columns}
        onBrowse={() =>
          void pickParamPath(
            selected.id,
            f.key,
            f.kind === 'file'
              ? { ...(f.extensions ? { extensions: f.extensions } : {}), ...(f.save ? { save: true } : {}) }
              : {},
          )
        }
      />
    );
  };
  const field = (f: ParamField) => {
    const dims = isSearch && f.key === 'dimensions' ? selected.data.params[f.key] : undefined;
    const fieldErrors = (errors ?? []).filter(
      (e) =>
        e.kind === 'bad-param' &&
        e.path?.[0] === f.key &&
        !(Array.isArray(dims) && problemDimension(dims as Dimension[], e.message) >= 0),
    );
    return (
      <div className={`weft-field${fieldErrors.length ? ' has-error' : ''}`} key={f.key}>
        <label className="weft-field-name" htmlFor={`param-${f.key}`}>
          {f.key}
          {f.required && (
            <span className="weft-required" title="required">
              {' '}
              *
            </span>
          )}
        </label>
        {input(f)}
        {f.doc && <div className="weft-field-doc">{f.doc}</div>}
        {(f.kind === 'column' || f.kind === 'columns') && columns && !columns.ok && (
          <div className="weft-field-doc" data-testid={`param-columns-reason-${f.key}`}>
            Columns: {columns.reason}
          </div>
        )}
        {fieldErrors.map((e, i) => (
          <div className="weft-field-error" key={i} data-testid={`param-error-${f.key}`}>
            {e.message}
          </div>
        ))}
      </div>
    );
  };
  const general = (errors ?? []).filter((e) => e.kind !== 'bad-param' || !e.path?.length);
  return (
    <aside className="weft-inspector" data-testid="inspector">
      <h2>{def.title}</h2>
      <div className="weft-muted">
        <code>{def.type}</code> · v{def.version} · {selected.id}
      </div>
      <p className="weft-doc">{def.doc}</p>
      <div className="weft-inspector-actions">
        <button type="button" disabled={running} onClick={() => void run(selected.id)} data-testid="run-to-selected">
          Run to here
        </button>
        <button type="button" onClick={() => showResults(selected.id)}>
          Results
        </button>
      </div>
      <label className="weft-field">
        <span className="weft-field-name">label</span>
        <input
          type="text"
          value={selected.data.label ?? ''}
          placeholder={def.title}
          onChange={(e) => setLabel(selected.id, e.target.value)}
        />
      </label>
      <form className="weft-form" onSubmit={(e) => e.preventDefault()}>
        {basic.filter(applies).map(field)}
        {advanced.some(applies) && (
          <details className="weft-advanced" data-testid="advanced-params">
            <summary>Advanced ({advanced.filter(applies).length})</summary>
            {advanced.filter(applies).map(field)}
          </details>
        )}
      </form>
      {general.length > 0 && (
        <ul className="weft-inspector-errors">
          {general.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      <h3>Ports</h3>
      <ul className="weft-port-list">
        {def.inputs.map((p) => (
          <li key={`in-${p.name}`}>
            in <b>{p.name}</b>: {formatPortType(p.type)}
            {p.optional ? ' (optional)' : ''}
          </li>
        ))}
        {def.outputs.map((p) => (
          <li key={`out-${p.name}`}>
            out <b>{p.name}</b>: {formatPortType(p.type)}
          </li>
        ))}
      </ul>
    </aside>
  );
}
