import { builtinNodes, type NodeRegistry, type NodeRunReport, type PipelineDocument } from '../common';

/**
 * One line per evaluation node that reported metrics, in document order, sink or not:
 * `eval_mlp: accuracy=0.97 f1_macro=0.96 (split test)`.
 */
export function metricsLines(document: PipelineDocument, nodes: Readonly<Record<string, NodeRunReport>>): string[] {
  const lines: string[] = [];
  for (const node of document.nodes) {
    const metrics = nodes[node.id]?.summary?.metrics;
    if (!/^(eval|opt)\./.test(node.type) || !metrics || Object.keys(metrics).length === 0) continue;
    const parsed = (builtinNodes as NodeRegistry)[node.type]?.params.safeParse(node.params);
    const split = parsed?.success ? (parsed.data as { split?: unknown }).split : node.params.split;
    const where = typeof split === 'string' ? ` (split ${split})` : '';
    lines.push(
      `${node.id}: ${Object.entries(metrics)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}${where}`,
    );
  }
  return lines;
}
