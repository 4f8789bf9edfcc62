import type { NodeRegistry } from './NodeDefinition';
import { csvNode } from './data/csvNode';
import { splitNode } from './prep/splitNode';

/**
 * Every built-in node type, keyed by `type`. An explicit literal: a node exists in the palette,
 * the CLI and the engine exactly when it is listed here.
 */
export const builtinNodes = {
  'data.csv': csvNode,
  'prep.split': splitNode,
} satisfies NodeRegistry;

export type BuiltinNodeType = keyof typeof builtinNodes;
