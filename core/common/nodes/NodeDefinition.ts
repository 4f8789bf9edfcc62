import type { z } from 'zod';
import type { PipelineDocument } from '../graph/document';
import type { PortType } from '../ports';

export type Category =
  'Data' | 'Preprocess' | 'Model' | 'Layers' | 'Learners' | 'Training' | 'Evaluate' | 'Generate' | 'Export' | 'Test';

export interface PortSpec {
  name: string;
  type: PortType;
  /** An optional input may stay unconnected. @default false */
  optional?: boolean;
  doc?: string;
}

export interface InferContext<P> {
  params: P;
  /** Inferred types of the connected inputs, by port name; absent where nothing is connected. */
  inputs: Readonly<Record<string, PortType | undefined>>;
}

/** Result of design-time inference: refined output types, or an error such as a shape mismatch. */
export type InferResult = { outputs: Record<string, PortType> } | { error: string };

/**
 * One declarative definition per node type. The engine, the validator, the CLI and the canvas
 * all read this; executors live in core/node and are keyed by `type`.
 */
export interface NodeDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  /** Bumped when params change shape; `migrations[v]` turns version v-1 params into version v. */
  version: number;
  title: string;
  category: Category;
  doc: string;
  /** Other words a user may search the palette with (`normalize` for standardize). */
  keywords?: readonly string[];
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  params: S;
  /**
   * The few params a newcomer sets, in the order the inspector shows them first; the rest go under
   * "Advanced". A param that only applies under another param's choice says so with
   * `.meta({ showIf: { otherParam: [values…] } })`. @default every param is basic
   */
  basic?: readonly string[];
  migrations?: Readonly<Record<number, (params: Record<string, unknown>) => Record<string, unknown>>>;
  /** Paths (from params) whose size, mtime and content hash belong in the cache key. */
  fingerprint?(params: z.output<S>): string[];
  inferOutputs?(ctx: InferContext<z.output<S>>): InferResult;
  /** Outputs are costly to recompute (trained models): the executor also caches them on disk. */
  expensive?: boolean;
  /**
   * Problems of valid params that depend on the rest of the document (a param naming another node or
   * its params), reported under this node when the graph is validated.
   */
  checkInGraph?(params: z.output<S>, doc: PipelineDocument, registry: NodeRegistry): string[];
}

/** Identity helper that keeps the params type while checking the definition's shape. */
export function defineNode<S extends z.ZodType>(def: NodeDefinition<S>): NodeDefinition<S> {
  return def;
}

export type AnyNodeDefinition = NodeDefinition<z.ZodType>;

export type NodeRegistry = Readonly<Record<string, AnyNodeDefinition>>;
