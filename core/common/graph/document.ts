import { z } from 'zod';

export const DOCUMENT_FORMAT = 'weft.pipeline';
export const DOCUMENT_VERSION = 2;

export const PositionSchema = z.object({ x: z.number(), y: z.number() });

export const NodeInstanceSchema = z.object({
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_.-]+$/, 'node ids use letters, digits, _ . -'),
  type: z.string().min(1),
  version: z.number().int().positive(),
  params: z.record(z.string(), z.unknown()).default({}),
  position: PositionSchema.default({ x: 0, y: 0 }),
  label: z.string().optional(),
});

export const EndpointSchema = z.object({ node: z.string().min(1), port: z.string().min(1) });

export const EdgeSchema = z.object({
  id: z.string().min(1),
  source: EndpointSchema,
  target: EndpointSchema,
});

export const MetadataSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    created: z.string().optional(),
    modified: z.string().optional(),
    seed: z.number().int().optional(),
  })
  .catchall(z.unknown());

export const PipelineDocumentSchema = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  metadata: MetadataSchema.default({}),
  nodes: z.array(NodeInstanceSchema),
  edges: z.array(EdgeSchema),
});

export type PipelineDocument = z.infer<typeof PipelineDocumentSchema>;
export type NodeInstance = z.infer<typeof NodeInstanceSchema>;
export type Edge = z.infer<typeof EdgeSchema>;
export type Endpoint = z.infer<typeof EndpointSchema>;

export function emptyDocument(name?: string): PipelineDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    metadata: name ? { name } : {},
    nodes: [],
    edges: [],
  };
}

export function edgeId(e: { source: Endpoint; target: Endpoint }): string {
  return `${e.source.node}.${e.source.port}->${e.target.node}.${e.target.port}`;
}
