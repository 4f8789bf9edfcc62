import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinNodes, loadDocument, validateGraph, type NodeRegistry } from '../../../../../core/common';
import { stubNodes } from '../../../../fixtures/stubNodes';

const fixtures = path.resolve(import.meta.dirname, '../../../../fixtures/pipelines');
const registry: NodeRegistry = { ...builtinNodes, ...stubNodes };

describe('loadDocument', () => {
  it.each(readdirSync(fixtures).filter((f) => f.endsWith('.weft.json')))('loads fixture %s', (file) => {
    const r = loadDocument(readFileSync(path.join(fixtures, file), 'utf8'), registry);
    expect(r.ok, r.ok ? '' : r.errors.join('; ')).toBe(true);
  });

  it('migrates a version 1 document: edges, params and node-type params', () => {
    const r = loadDocument(readFileSync(path.join(fixtures, 'v1-stub-chain.weft.json'), 'utf8'), registry);
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.migratedFrom).toBe(1);
    expect(r.document.version).toBe(2);
    expect(r.document.edges).toEqual([
      { id: 'e0', source: { node: 'c', port: 'out' }, target: { node: 'add', port: 'a' } },
    ]);
    const c = r.document.nodes.find((n) => n.id === 'c');
    expect(c).toMatchObject({ version: 2, params: { value: 4 } });
    expect(r.document.nodes.find((n) => n.id === 'add')?.params).toEqual({ bias: 1 });
    expect(validateGraph(r.document, registry).ok).toBe(true);
  });

  it('explains what is wrong with bad documents', () => {
    expect(loadDocument('{nope', registry)).toMatchObject({ ok: false });
    const wrongFormat = loadDocument({ format: 'other', version: 2, nodes: [], edges: [] });
    expect(wrongFormat.ok ? '' : wrongFormat.errors[0]).toContain('format must be "weft.pipeline"');
    const future = loadDocument({ format: 'weft.pipeline', version: 99, nodes: [], edges: [] });
    expect(future.ok ? '' : future.errors[0]).toContain('newer than this Weft');
    const badNode = loadDocument({ format: 'weft.pipeline', version: 2, nodes: [{ id: '' }], edges: [] });
    expect(badNode.ok ? '' : badNode.errors.join(' ')).toContain('nodes.0');
  });

  it('never throws on random input: it loads or returns errors', () => {
    const types = Object.keys(registry);
    const node = fc.record({
      id: fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), fc.string()),
      type: fc.oneof(fc.constantFrom(...types), fc.string()),
      version: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.anything()),
      params: fc.oneof(
        fc.dictionary(fc.constantFrom('value', 'bias', 'ms', 'length', 'x'), fc.anything()),
        fc.anything(),
      ),
      position: fc.oneof(fc.record({ x: fc.double(), y: fc.double() }), fc.anything()),
    });
    const endpoint = fc.record({
      node: fc.constantFrom('a', 'b', 'c', 'd', ''),
      port: fc.constantFrom('out', 'in', 'a', 'b', 'x'),
    });
    const edge = fc.record({ id: fc.string(), source: endpoint, target: endpoint });
    const doc = fc.record({
      format: fc.oneof(fc.constant('weft.pipeline'), fc.string()),
      version: fc.oneof(fc.constantFrom(1, 2), fc.anything()),
      metadata: fc.oneof(fc.object(), fc.anything()),
      nodes: fc.oneof(fc.array(node, { maxLength: 6 }), fc.anything()),
      edges: fc.oneof(fc.array(edge, { maxLength: 8 }), fc.anything()),
    });
    fc.assert(
      fc.property(fc.oneof(doc, fc.anything()), (input) => {
        const r = loadDocument(input, registry);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          return;
        }
        const v = validateGraph(r.document, registry);
        expect(typeof v.ok).toBe('boolean');
        for (const list of Object.values(v.errors)) for (const e of list) expect(e.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});
