import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { memo } from 'react';
import { formatPortType, type PortKind } from '../../core/common';
import type { WeftFlowNode } from '../store/documentConvert';
import { definitionOf } from '../store/nodeCatalog';
import { useStudio } from '../store/useStudio';
import { unknownColumns, useColumns } from '../inspector/columnStore';
import { StatusBadge } from './StatusBadge';

const EMPTY: never[] = [];

export const portColors: Record<PortKind, string> = {
  Table: '#2f9e44',
  Tensor: '#868e96',
  Dataset: '#1971c2',
  ModelSpec: '#ae3ec9',
  TrainedModel: '#e8590c',
  Learner: '#c2255c',
  Metrics: '#f08c00',
  Predictions: '#0c8599',
  DataPreview: '#74b816',
  File: '#495057',
};

function headline(metrics: Record<string, number> | undefined): string | null {
  if (!metrics) return null;
  const entries = Object.entries(metrics).slice(0, 2);
  return entries.length ? entries.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`).join(' · ') : null;
}

/** Below this zoom a node's text is unreadable: nodes draw as a titled box (far less to lay out and paint). */
export const DETAIL_ZOOM = 0.4;
const zoomedOut = (s: ReactFlowState): boolean => s.transform[2] < DETAIL_ZOOM;

/** A pipeline node on the canvas: typed ports as handles, live status, validation errors. */
function WeftNodeView({ id, data, selected }: NodeProps<WeftFlowNode>) {
  const def = definitionOf(data.type);
  const errors = useStudio((s) => s.validation.errors[id] ?? EMPTY);
  const run = useStudio((s) => s.nodeRun[id]);
  const compact = useStore(zoomedOut);
  const cols = useColumns((c) => c.byNode[id]);
  const strangers = unknownColumns(data.type, data.params, cols);
  const rows = Math.max(def?.inputs.length ?? 0, def?.outputs.length ?? 0);
  const className = `weft-node cat-${(def?.category ?? 'unknown').toLowerCase()}${selected ? ' selected' : ''}${errors.length ? ' invalid' : ''} status-${run?.status ?? 'idle'}`;
  if (compact) {
    return (
      <div className={`${className} compact`} data-testid={`node-${id}`} style={{ minHeight: 44 + rows * 22 }}>
        <div className="weft-node-header">
          <span className="weft-node-title">{data.label || def?.title || data.type}</span>
        </div>
        {def?.inputs.map((p) => (
          <Handle
            key={p.name}
            type="target"
            position={Position.Left}
            id={p.name}
            style={{ background: portColors[p.type.kind] }}
          />
        ))}
        {def?.outputs.map((p) => (
          <Handle
            key={p.name}
            type="source"
            position={Position.Right}
            id={p.name}
            style={{ background: portColors[p.type.kind] }}
          />
        ))}
      </div>
    );
  }
  const summaryLine = headline(run?.summary?.metrics);
  return (
    <div className={className} data-testid={`node-${id}`}>
      <div className="weft-node-header">
        <span className="weft-node-title">{data.label || def?.title || data.type}</span>
        <StatusBadge run={run} />
      </div>
      <div className="weft-node-sub">{id}</div>
      {run?.status === 'running' && (
        <div className="weft-progress" title={run.message ?? ''}>
          <div className="weft-progress-bar" style={{ width: `${Math.round((run.fraction ?? 0) * 100)}%` }} />
        </div>
      )}
      <div className="weft-node-ports" style={{ minHeight: rows * 22 }}>
        <div className="weft-ports-in">
          {def?.inputs.map((p) => (
            <div
              className="weft-port in"
              key={p.name}
              title={`${p.name}: ${formatPortType(p.type)}${p.optional ? ' (optional)' : ''}`}
            >
              <Handle
                type="target"
                position={Position.Left}
                id={p.name}
                style={{ background: portColors[p.type.kind] }}
              />
              <span>{p.name}</span>
            </div>
          ))}
        </div>
        <div className="weft-ports-out">
          {def?.outputs.map((p) => (
            <div className="weft-port out" key={p.name} title={`${p.name}: ${formatPortType(p.type)}`}>
              <span>{p.name}</span>
              <Handle
                type="source"
                position={Position.Right}
                id={p.name}
                style={{ background: portColors[p.type.kind] }}
              />
            </div>
          ))}
        </div>
      </div>
      {summaryLine && <div className="weft-node-summary">{summaryLine}</div>}
      {run?.status === 'running' && run.message && <div className="weft-node-message">{run.message}</div>}
      {(strangers.length > 0 || errors.length > 0 || (run?.status === 'failed' && run.error)) && (
        <div className="weft-node-issues">
          {run?.status === 'failed' && run.error && (
            <div className="weft-node-error" data-testid="node-run-error">
              {run.error}
            </div>
          )}
          {strangers.length > 0 && (
            <div
              className="weft-node-error"
              data-testid="node-unknown-columns"
              title={`The input table has: ${cols?.ok ? cols.columns.map((c) => c.name).join(', ') : ''}`}
            >
              Not in the data: {strangers.join(', ')}
            </div>
          )}
          {errors.length > 0 && (
            <ul className="weft-node-errors" data-testid="node-errors">
              {errors.slice(0, 3).map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
              {errors.length > 3 && <li>…and {errors.length - 3} more</li>}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** The view reads only these props: a drag changes the node's position props on every frame, not its face. */
const sameFace = (a: NodeProps<WeftFlowNode>, b: NodeProps<WeftFlowNode>): boolean =>
  a.id === b.id && a.data === b.data && a.selected === b.selected;

export const WeftNode = memo(WeftNodeView, sameFace);
