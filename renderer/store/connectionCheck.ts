import { canConnect, type ConnectResult, type ValidationResult } from '../../core/common';
import type { WeftFlowEdge, WeftFlowNode } from './documentConvert';
import { definitionOf } from './nodeCatalog';

export interface ConnectionAttempt {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/** Whether `to` is reachable from `from` along edges (a new edge to→from would close a cycle). */
function reaches(edges: readonly WeftFlowEdge[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}

/**
 * Decides a connection while the user drags it: the inferred type of the source output (from
 * validateGraph's `types`) must pass `canConnect` into the declared type of the target input.
 */
export function checkConnection(
  c: ConnectionAttempt,
  nodes: readonly WeftFlowNode[],
  edges: readonly WeftFlowEdge[],
  validation: Pick<ValidationResult, 'types'>,
): ConnectResult {
  if (c.source === c.target) return { ok: false, reason: 'a node cannot feed itself' };
  const src = nodes.find((n) => n.id === c.source);
  const dst = nodes.find((n) => n.id === c.target);
  const srcDef = src && definitionOf(src.data.type);
  const dstDef = dst && definitionOf(dst.data.type);
  if (!srcDef || !dstDef) return { ok: false, reason: 'unknown node type' };
  const out = srcDef.outputs.find((p) => p.name === c.sourceHandle);
  const inp = dstDef.inputs.find((p) => p.name === c.targetHandle);
  if (!out || !inp) return { ok: false, reason: 'connect an output (right) to an input (left)' };
  const fromType = validation.types[c.source]?.[out.name] ?? out.type;
  const check = canConnect(fromType, inp.type);
  if (!check.ok)
    return { ok: false, reason: `${srcDef.title}.${out.name} → ${dstDef.title}.${inp.name}: ${check.reason}` };
  if (reaches(edges, c.target, c.source)) return { ok: false, reason: 'this edge would make a cycle' };
  return { ok: true };
}
