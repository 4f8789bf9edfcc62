import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { csvOptionsSchema } from './csvOptions';

export const jsonOptionsSchema = csvOptionsSchema.pick({ missingValues: true, types: true }).extend({
  format: z
    .enum(['auto', 'json', 'jsonl'])
    .default('auto')
    .describe('json: one array of records; jsonl: one record per line; auto decides by extension and content'),
});
export type JsonOptions = z.output<typeof jsonOptionsSchema>;

export const jsonNode = defineNode({
  type: 'data.json',
  version: 1,
  title: 'JSON Records',
  category: 'Data',
  doc:
    'Reads a JSON array of records, or JSON Lines (one object per line), into a table. Every key becomes a column, ' +
    'typed as a CSV column is (integer, number, boolean, category, text, date, with overrides); null, a missing key ' +
    'and the missing-value tokens are missing; nested objects and arrays are kept as JSON text.',
  inputs: [],
  outputs: [
    { name: 'table', type: { kind: 'Table' }, doc: 'The records as columns' },
    { name: 'preview', type: { kind: 'DataPreview' }, doc: 'Schema, first rows and per-column statistics' },
  ],
  params: jsonOptionsSchema.extend({
    path: z
      .string()
      .default('')
      .describe('JSON or JSONL file, relative to the pipeline file')
      .meta({ widget: 'file', extensions: ['.json', '.jsonl', '.ndjson'] }),
  }),
  fingerprint: (p) => (p.path ? [p.path] : []),
});
