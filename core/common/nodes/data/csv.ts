import { z } from 'zod';
import { defineNode } from '../NodeDefinition';
import { csvOptionsSchema } from './csvOptions';

export const csvNode = defineNode({
  type: 'data.csv',
  version: 1,
  title: 'CSV File',
  category: 'Data',
  doc:
    'Reads a CSV/TSV file into a table, streaming. Sniffs the delimiter, reads UTF-8 (with or without BOM) or Latin-1, ' +
    'CRLF line ends, quoted fields and decimal commas; infers column types (integer, number, boolean, category, text, date) ' +
    'with per-column overrides, and reads NA, N/A, NaN, null, ? and empty fields as missing.',
  keywords: ['table', 'spreadsheet', 'file', 'load', 'read', 'tsv'],
  inputs: [],
  outputs: [
    { name: 'table', type: { kind: 'Table' }, doc: 'The parsed table' },
    { name: 'preview', type: { kind: 'DataPreview' }, doc: 'Schema, first rows and per-column statistics' },
  ],
  params: csvOptionsSchema.extend({
    path: z
      .string()
      .default('')
      .describe('CSV/TSV file, relative to the pipeline file')
      .meta({ widget: 'file', extensions: ['.csv', '.tsv', '.txt'], required: true }),
  }),
  basic: ['path'],
  fingerprint: (p) => (p.path ? [p.path] : []),
});
