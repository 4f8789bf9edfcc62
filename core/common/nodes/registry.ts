import type { NodeRegistry } from './NodeDefinition';

/**
 * Every built-in node type, keyed by `type`. An explicit literal: a node exists in the palette,
 * the CLI and the engine exactly when it is listed here.
 */
export const builtinNodes = {} satisfies NodeRegistry;

export type BuiltinNodeType = keyof typeof builtinNodes;
