import { builtinNodes, type NodeRegistry, type NodeRunReport, type PipelineDocument } from '../common';

/**
 * One line per evaluation node that reported metrics, in document order, sink or not:
 * `eval_mlp (test): accuracy=0.97 f1_macro=0.96`.
 */
export function metricsLines(document: PipelineDocument, nodes: Readonly<Record<string, NodeRunReport>>): string[] {
  const lines: string[] = [];
  for (const node of document.nodes) {
    const metrics = nodes[node.id]?.summary?.metrics;
    if (!node.type.startsWith('eval.') || !metrics || Object.keys(metrics).length === 0) continue;
    const parsed = (builtinNodes as NodeRegistry)[node.type]?.params.safeParse(node.params);
    const split = parsed?.success ? (parsed.data as { split?: unknown }).split : node.params.split;
    const where = typeof split === 'string' ? ` (${split})` : '';
    lines.push(`${node.id}${where}: ${metricPairs(metrics).join(' ')}`);
  }
  return lines;
}

/** `name=value` per metric; a `_mean` and `_std` pair (eval.compare) becomes `name=mean±std`, four decimals. */
function metricPairs(metrics: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(metrics)) {
    if (k.endsWith('_std') && metrics[`${k.slice(0, -4)}_mean`] !== undefined) continue;
    const std = k.endsWith('_mean') ? metrics[`${k.slice(0, -5)}_std`] : undefined;
    out.push(std === undefined ? `${k}=${v}` : `${k.slice(0, -5)}=${v.toFixed(4)}±${std.toFixed(4)}`);
  }
  return out;
}
