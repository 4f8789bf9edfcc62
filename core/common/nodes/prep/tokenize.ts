import { z } from 'zod';
import type { PortType } from '../../ports';
import { defineNode } from '../NodeDefinition';

export const tokenizeParams = z.object({
  columns: z.array(z.string()).default([]).describe('Text columns to tokenize; empty = every free-text feature'),
  mode: z
    .enum(['word', 'char', 'bpe'])
    .default('word')
    .describe('word: words and punctuation runs; char: characters; bpe: subwords merged by byte-pair encoding'),
  vocabSize: z
    .number()
    .int()
    .min(3)
    .max(1_000_000)
    .default(10000)
    .describe('Ids in the vocabulary, padding and unknown included (set layer.embedding vocabSize to the same)'),
  maxLength: z.number().int().min(1).max(100_000).default(128).describe('Tokens per text after truncation and padding'),
  truncate: z
    .enum(['end', 'start'])
    .default('end')
    .describe('Longer texts lose their end (keep the beginning) or their start (keep the end)'),
  padding: z.enum(['end', 'start']).default('end').describe('Shorter texts are padded at the end or at the start'),
  lowercase: z.boolean().default(true).describe('Lowercase the text before tokenizing'),
  tokenPattern: z
    .string()
    .default('')
    .describe(
      "Word mode: what a token is, a Python regular expression as scikit-learn's token_pattern (e.g. (?u)\\b\\w\\w+\\b); empty = words and punctuation runs",
    ),
  stopWords: z
    .enum(['none', 'english'])
    .default('none')
    .describe("Word mode: english drops scikit-learn's 318 English stop words before the vocabulary is learned"),
  stopWordList: z
    .array(z.string().min(1))
    .default([])
    .describe('Word mode: more tokens to drop, compared with the tokens as cut (lowercased when lowercase is on)'),
  normalize: z
    .enum(['NFC', 'NFKC', 'none'])
    .default('NFC')
    .describe('Unicode normalisation: NFC composes accents; NFKC also folds compatibility forms (ﬁ → fi, ² → 2)'),
  padToken: z.string().min(1).default('[PAD]').describe('Token of id 0, filling short texts'),
  oovToken: z.string().min(1).default('[UNK]').describe('Token of id 1, for tokens outside the vocabulary'),
});
export type TokenizeNodeParams = z.output<typeof tokenizeParams>;

export const tokenizeNode = defineNode({
  type: 'prep.tokenize',
  version: 1,
  title: 'Tokenize Text',
  category: 'Preprocess',
  doc:
    'Turns free-text columns into fixed-length sequences of token ids for layer.embedding (then LSTM, GRU, attention or ' +
    'Transformer layers): Unicode normalisation and lowercasing, then words, characters or byte-pair-encoded subwords; ' +
    'the vocabulary (id 0 padding, id 1 unknown, then the most frequent tokens) and the BPE merges are learned on the ' +
    'training split only. Texts are truncated and padded to maxLength. The exported ONNX model takes these ids ' +
    '(input token_ids) and carries the tokenizer in its metadata.',
  keywords: ['text', 'nlp', 'vocabulary', 'bpe', 'subword', 'TextVectorization', 'sequence'],
  inputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  outputs: [
    { name: 'dataset', type: { kind: 'Dataset' }, doc: 'Token ids [maxLength] per tokenized column' },
    {
      name: 'preview',
      type: { kind: 'DataPreview' },
      doc: 'The most frequent tokens and the vocabulary coverage on validation rows',
    },
  ],
  params: tokenizeParams,
  basic: ['mode', 'vocabSize', 'maxLength'],
  /**
   * The sample width is known at design time only when every feature is a tokenized column: prep.split lists its
   * features, and they are this node's columns (or its one feature). Otherwise other features add slots the
   * design-time types cannot see, and the width is left unknown rather than guessed.
   */
  inferOutputs: ({ params, inputs }) => {
    const { featureShape: _, ...ds } = (inputs.dataset as Extract<PortType, { kind: 'Dataset' }> | undefined) ?? {
      kind: 'Dataset' as const,
    };
    const features = ds.featureColumns;
    const tokenized = params.columns.length ? params.columns : features?.length === 1 ? features : undefined;
    const known = tokenized && features?.every((f) => tokenized.includes(f));
    return {
      outputs: { dataset: known ? { ...ds, featureShape: [params.maxLength * tokenized.length] } : ds },
    };
  },
});
