import { builtinNodes, lookup, type AnyNodeDefinition, type Category, type NodeRegistry } from '../../core/common';

/** The registry the studio builds from: every built-in node type appears automatically. */
export const registry: NodeRegistry = builtinNodes;

export const categoryOrder: readonly Category[] = [
  'Data',
  'Preprocess',
  'Model',
  'Layers',
  'Learners',
  'Training',
  'Evaluate',
  'Export',
];

export function definitionOf(type: string): AnyNodeDefinition | undefined {
  return lookup(registry, type);
}

/** Node types grouped by category in palette order; `query` matches title, type and doc. */
export function groupedDefinitions(query = ''): { category: Category; defs: AnyNodeDefinition[] }[] {
  const q = query.trim().toLowerCase();
  const defs = Object.values(registry).filter(
    (d) => d.category !== 'Test' && (!q || `${d.title} ${d.type} ${d.doc}`.toLowerCase().includes(q)),
  );
  return categoryOrder
    .map((category) => ({
      category,
      defs: defs.filter((d) => d.category === category).sort((a, b) => a.title.localeCompare(b.title)),
    }))
    .filter((g) => g.defs.length > 0);
}
