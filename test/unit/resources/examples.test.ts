import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinNodes, formatValidationErrors, loadDocument, validateGraph } from '../../../core/common';
import { resolveDataPath } from '../../../core/node/executors/Executor';

const dir = path.resolve(import.meta.dirname, '../../../resources/examples');
const examples = readdirSync(dir).filter((f) => f.endsWith('.weft.json'));

describe('example pipelines', () => {
  it('cover tabular classification, regression and image classification', () => {
    const types = examples.flatMap((f) =>
      (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { nodes: { type: string }[] }).nodes.map((n) => n.type),
    );
    expect(types).toContain('eval.classification');
    expect(types).toContain('eval.regression');
    expect(types.some((t) => t === 'data.images' || t === 'data.idx')).toBe(true);
  });

  it.each(examples)('%s loads, validates and names data files that exist', (file) => {
    const loaded = loadDocument(readFileSync(path.join(dir, file), 'utf8'), builtinNodes);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const result = validateGraph(loaded.document, builtinNodes);
    expect(formatValidationErrors(result)).toEqual([]);
    for (const n of loaded.document.nodes) {
      for (const key of ['path', 'images', 'labels'] as const) {
        const value = n.params[key];
        if (typeof value === 'string' && value && n.type.startsWith('data.')) {
          expect(existsSync(resolveDataPath(dir, value)), `${file}: ${n.id}.${key} = ${value}`).toBe(true);
        }
      }
    }
  });
});

describe('the text example at design time', () => {
  it('checks the tokenizer length against the declared Input shape before running', () => {
    const text = readFileSync(path.join(dir, 'text-spam.weft.json'), 'utf8');
    const loaded = loadDocument(text, builtinNodes);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const doc = loaded.document;
    const tokens = doc.nodes.find((n) => n.id === 'tokens')!;
    const changed = {
      ...doc,
      nodes: doc.nodes.map((n) => (n === tokens ? { ...n, params: { ...n.params, maxLength: 100 } } : n)),
    };
    expect(formatValidationErrors(validateGraph(changed, builtinNodes)).join('\n')).toMatch(
      /train.*128.*100|train.*100.*128/s,
    );
  });
});
