import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeft } from '../../../fixtures/runWeft';
import { tinyModel } from '../node/export/tinyModel';

const dir = mkdtempSync(path.join(tmpdir(), 'weft-cli-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = path.join(dir, 'tiny.onnx');
writeFileSync(source, tinyModel({ features: 4, outputs: 3, task: 'classification' }).model.onnx);

describe('weft export', () => {
  it('exports an .onnx model to ONNX with labels, verified, plus int8', () => {
    const out = path.join(dir, 'out.onnx');
    const r = runWeft(['export', source, '--format', 'onnx', '--out', out, '--quantize', 'force']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/outputs: probabilities float32\[N, 3\]; label int64\[N\]/);
    expect(r.stdout).toMatch(/max \|exported − in-app\| = \d\.\d\de[-+]\d+ \(limit 1e-5\)/);
    expect(r.stdout).toMatch(/int8: wrote .*out\.int8\.onnx/);
    expect(r.stdout).toMatch(/int8 decision: .*written anyway \(forced\)/);
    expect(r.stdout).toMatch(/row by row vs batched differ by up to \d\.\d\de[-+]\d+/);
    expect(existsSync(out)).toBe(true);
  });

  it('exports to TF.js layers', () => {
    const out = path.join(dir, 'web');
    const r = runWeft(['export', source, '--format', 'tfjs', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dense → Activation → Dense → Softmax/);
    expect(existsSync(path.join(out, 'model.json'))).toBe(true);
    expect(existsSync(path.join(out, 'weights.bin'))).toBe(true);
  });

  it('writes a Triton repository from the verified ONNX', () => {
    const out = path.join(dir, 'repo');
    const r = runWeft(['export', source, '--format', 'triton', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/max \|exported − in-app\| = \S+ \(limit 1e-5\)/);
    expect(existsSync(path.join(out, 'tiny', 'config.pbtxt'))).toBe(true);
    expect(existsSync(path.join(out, 'tiny', '1', 'model.onnx'))).toBe(true);
  });

  it('bad usage and unreadable input exit 2 with one line', () => {
    const bad = runWeft(['export', source, '--format', 'pmml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('weft: --format must be onnx, tfjs or triton, not "pmml"');
    const junk = path.join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    const r = runWeft(['export', junk]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/junk\.onnx: not a readable ONNX model/);
  });
});
