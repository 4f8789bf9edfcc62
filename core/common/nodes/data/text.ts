import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const textParams = z.object({
  path: z
    .string()
    .default('')
    .describe(
      'Folder with one subfolder per class of text files (e.g. reviews/pos/*.txt, reviews/neg/*.txt), relative to the ' +
        'pipeline file, or package:<npm package>/<folder> for data shipped in an installed package',
    )
    .meta({ widget: 'folder', required: true }),
  format: z
    .enum(['txt', 'json'])
    .default('txt')
    .describe(
      'txt: each .txt file is one document; json: each .json file is an object whose "text" field is the document',
    ),
  classes: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'Class of each subfolder, e.g. {"easy-ham-1": "ham", "spam-1": "spam"}; subfolders not listed are left out. ' +
        'Empty = each subfolder is its own class',
    ),
  maxPerClass: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Read at most this many documents per class, chosen at random (seeded); 0 = all'),
  seed: z.number().int().default(42).describe('Seed of the maxPerClass sample'),
});
export type TextParams = z.output<typeof textParams>;

export const textNode = defineNode({
  type: 'data.text',
  version: 1,
  title: 'Text Folder',
  category: 'Data',
  doc:
    'Reads a folder with one subfolder per class of documents (.txt files, or .json files with a "text" field) into a ' +
    'table with a free-text column `text` and a `label` column, for prep.split then prep.tokenize or prep.tfidf. ' +
    'Reads UTF-8 (with or without BOM) or UTF-16 with a BOM, and falls back to Latin-1 (Windows-1252) with a warning; binary files are ' +
    'skipped and counted, empty documents are left out and reported. Subfolders can be merged into classes (classes) ' +
    'and a large corpus sampled (maxPerClass).',
  keywords: ['corpus', 'documents', 'nlp', 'spam', 'sentiment', 'load', 'read'],
  inputs: [],
  outputs: [
    {
      name: 'table',
      type: {
        kind: 'Table',
        columns: [
          { name: 'text', type: 'text' },
          { name: 'label', type: 'category' },
        ],
      },
      doc: 'One row per document: text and label',
    },
    { name: 'preview', type: { kind: 'DataPreview' }, doc: 'Documents per class, with a few texts and their lengths' },
  ],
  params: textParams,
  basic: ['path', 'format', 'classes'],
  fingerprint: (p) => (p.path ? [p.path] : []),
});
