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
  'Generate',
  'Export',
];

export function definitionOf(type: string): AnyNodeDefinition | undefined {
  return lookup(registry, type);
}

/** Node types grouped by category in palette order; `query` matches title, type and doc. */
export function groupedDefinitions(query = ''): { category: Category; defs: AnyNodeDefinition[] }[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const defs = Object.values(registry).filter((d) => {
    if (d.category === 'Test') return false;
    const text = `${d.title} ${d.type} ${d.doc} ${(d.keywords ?? []).join(' ')}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  return categoryOrder
    .map((category) => ({
      category,
      defs: defs.filter((d) => d.category === category).sort((a, b) => a.title.localeCompare(b.title)),
    }))
    .filter((g) => g.defs.length > 0);
}
