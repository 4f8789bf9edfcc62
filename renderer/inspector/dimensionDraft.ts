import type { AnyNodeDefinition } from '../../core/common';
import { dimensionKey, dimensionProblem, type Dimension } from '../../core/common/search/space';
import { paramFields, type ParamField } from './paramFields';

/** A dimension as typed into the editor: numbers and choices still text, so a bad entry stays visible. */
export interface DimensionDraft {
  node: string;
  param: string;
  type: Dimension['type'];
  low: string;
  high: string;
  scale: Dimension['scale'];
  /** A JSON array of the values to try, e.g. `[[32], [64, 64]]`. */
  choices: string;
}

/** A wire between two nodes, as the canvas holds it. */
interface Wire {
  source: string;
  target: string;
}

/** Ids of the nodes that feed `nodeId`, directly or through others, nearest first. */
export function upstreamNodeIds(edges: readonly Wire[], nodeId: string): string[] {
  const seen = new Set<string>([nodeId]);
  const out: string[] = [];
  const queue = [nodeId];
  while (queue.length) {
    const id = queue.shift() as string;
    for (const e of edges) {
      if (e.target === id && !seen.has(e.source)) {
        seen.add(e.source);
        out.push(e.source);
        queue.push(e.source);
      }
    }
  }
  return out;
}

/** The params of a node type a search can vary: every form field except files and columns. */
export function searchableParams(def: AnyNodeDefinition): ParamField[] {
  return paramFields(def).filter((f) => f.kind !== 'file' && f.kind !== 'column' && f.kind !== 'columns');
}

const text = (v: number): string => String(Number(v.toPrecision(6)));

/** A starting range for a param: around its default (a decade each side, log, for positive floats), or its options as choices. */
export function defaultDraft(node: string, field: ParamField, current: unknown): DimensionDraft {
  const base = { node, param: field.key, low: '', high: '', scale: 'linear' as const, choices: '' };
  if (field.kind === 'number') {
    const v = typeof current === 'number' ? current : field.default;
    if (field.integer) {
      const lo = field.min ?? -Infinity;
      const hi = field.max ?? Infinity;
      const low = v !== undefined ? Math.max(lo, Math.floor(v / 2)) : Math.max(lo, 1);
      const high = v !== undefined ? Math.max(low, Math.min(hi, v * 2)) : Math.min(hi, low + 10);
      return { ...base, type: 'int', low: text(low), high: text(high) };
    }
    if (v !== undefined && v > 0) {
      const low = field.min !== undefined ? Math.max(field.min, v / 10) : v / 10;
      const high = field.max !== undefined ? Math.min(field.max, v * 10) : v * 10;
      return { ...base, type: 'float', low: text(low), high: text(high), scale: low > 0 ? 'log' : 'linear' };
    }
    return {
      ...base,
      type: 'float',
      low: field.min !== undefined ? text(field.min) : '',
      high: field.max !== undefined ? text(field.max) : '',
    };
  }
  if (field.kind === 'enum') return { ...base, type: 'choice', choices: JSON.stringify(field.options) };
  if (field.kind === 'boolean') return { ...base, type: 'choice', choices: '[false, true]' };
  const v = current ?? ('default' in field ? field.default : undefined);
  return { ...base, type: 'choice', choices: v === undefined ? '' : JSON.stringify([v]) };
}

/** The editor's text for a dimension already in the document. */
export function draftOf(d: Dimension): DimensionDraft {
  return {
    node: d.node,
    param: d.param,
    type: d.type,
    low: d.low === undefined ? '' : String(d.low),
    high: d.high === undefined ? '' : String(d.high),
    scale: d.scale,
    choices: d.choices === undefined ? '' : JSON.stringify(d.choices),
  };
}

function parseBound(name: string, t: string): number | string {
  const s = t.trim();
  if (s === '') return `enter ${name}`;
  const n = Number(s);
  return Number.isFinite(n) ? n : `${name} "${s}" is not a number`;
}

/**
 * The dimension a draft stands for, or why it is not one yet: a missing node or param, a bound that
 * is not a number, choices that are not a JSON list, a range the search rejects
 * ({@link dimensionProblem}), or a node.param the search already varies (`others`).
 */
export function draftToDimension(
  draft: DimensionDraft,
  others: readonly Dimension[] = [],
): { ok: true; dimension: Dimension } | { ok: false; error: string } {
  if (!draft.node) return { ok: false, error: 'pick a node upstream of the search' };
  if (!draft.param) return { ok: false, error: `pick a param of ${draft.node}` };
  let d: Dimension;
  if (draft.type === 'choice') {
    let choices: unknown;
    try {
      choices = JSON.parse(draft.choices.trim() || 'null');
    } catch (e) {
      return { ok: false, error: `choices are not JSON: ${(e as Error).message}` };
    }
    if (!Array.isArray(choices))
      return { ok: false, error: 'choices must be a JSON list of values, e.g. [[32], [64, 64]] or ["adam", "sgd"]' };
    d = { node: draft.node, param: draft.param, type: 'choice', scale: 'linear', choices };
  } else {
    const low = parseBound('low', draft.low);
    const high = parseBound('high', draft.high);
    if (typeof low === 'string') return { ok: false, error: low };
    if (typeof high === 'string') return { ok: false, error: high };
    d = { node: draft.node, param: draft.param, type: draft.type, low, high, scale: draft.scale };
  }
  const problem = dimensionProblem(d);
  if (problem) return { ok: false, error: problem };
  const key = dimensionKey(d);
  if (others.some((o) => dimensionKey(o) === key)) return { ok: false, error: `${key} is already a dimension` };
  return { ok: true, dimension: d };
}

/** A dimension in one line: `train.lr: float 0.0001..0.1 (log)` or `mlp.hidden: one of [32] | [64,64]`. */
export function describeDimension(d: Dimension): string {
  if (d.type === 'choice')
    return `${dimensionKey(d)}: one of ${(d.choices ?? []).map((c) => JSON.stringify(c)).join(' | ')}`;
  return `${dimensionKey(d)}: ${d.type} ${d.low}..${d.high}${d.scale === 'log' ? ' (log)' : ''}`;
}

/** The metric names the search's objective may name: those the evaluation wired to `metrics` reported, sorted. */
export function objectiveMetrics(
  edges: readonly (Wire & { targetHandle?: string | null })[],
  searchId: string,
  summaries: Record<string, { summary?: { metrics?: Record<string, number> } } | undefined>,
): string[] {
  const source = edges.find((e) => e.target === searchId && e.targetHandle === 'metrics')?.source;
  const metrics = source ? summaries[source]?.summary?.metrics : undefined;
  return Object.keys(metrics ?? {}).sort();
}

/** Which dimension a validation message is about (it names `node.param:`), or -1 for the list as a whole. */
export function problemDimension(dims: readonly Pick<Dimension, 'node' | 'param'>[], message: string): number {
  return dims.findIndex((d) => message.includes(`${dimensionKey(d)}:`));
}
