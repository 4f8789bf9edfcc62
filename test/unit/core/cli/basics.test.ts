import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinNodes } from '../../../../core/common';
import { runWeft } from '../../../fixtures/runWeft';

describe('weft CLI basics', () => {
  it('lists every registered node type as JSON with ports, params and defaults', () => {
    const r = runWeft(['nodes', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      type: string;
      params: unknown;
      defaults: unknown;
      inputs: unknown[];
      outputs: unknown[];
      doc: string;
    }[];
    expect(list.map((n) => n.type).sort()).toEqual(Object.keys(builtinNodes).sort());
    for (const n of list) {
      expect(n.doc.length).toBeGreaterThan(0);
      expect(n.params).toBeTypeOf('object');
    }
  });

  it('exits 2 with one line for a missing file, bad JSON and an unknown command', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-cli-'));
    const missing = runWeft(['validate', path.join(dir, 'nope.weft.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no such file');
    const bad = path.join(dir, 'bad.weft.json');
    writeFileSync(bad, '{ "format": "weft.pipeline", ');
    const badJson = runWeft(['validate', bad]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('bad.weft.json');
    expect(badJson.stderr).not.toContain('    at ');
    expect(runWeft(['frobnicate']).code).toBe(2);
  });

  it('reports a document with unknown node types as invalid (exit 1), per node', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-cli-'));
    const file = path.join(dir, 'p.weft.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'weft.pipeline',
        version: 2,
        nodes: [{ id: 'n1', type: 'no.such', version: 1, params: {} }],
        edges: [],
      }),
    );
    const r = runWeft(['validate', file, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; errors: Record<string, { kind: string }[]> };
    expect(out.ok).toBe(false);
    expect(out.errors.n1?.[0]?.kind).toBe('unknown-type');
  });
});
