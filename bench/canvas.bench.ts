/**
 * Opens a 1,000-node pipeline in the built renderer (served by `weft studio`) in headless Chromium
 * and reports the load time and the frame rate while panning. No peer: the studio is the product.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { reportBench } from './report';

const root = path.resolve(import.meta.dirname, '..');
const N = 1000;

function bigPipeline(): unknown {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < N; i++) {
    const kind = i % 2 === 0 ? 'data.csv' : 'prep.split';
    nodes.push({ id: `n${i}`, type: kind, version: 1, params: {}, position: { x: (i % 40) * 260, y: Math.floor(i / 40) * 160 } });
    if (kind === 'prep.split') edges.push({ id: `e${i}`, source: { node: `n${i - 1}`, port: 'table' }, target: { node: `n${i}`, port: 'table' } });
  }
  return { format: 'weft.pipeline', version: 2, metadata: { name: 'big' }, nodes, edges };
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/chromium') || !existsSync(path.join(root, 'dist/renderer/index.html'))) {
    console.log('bench canvas: skipped (needs /usr/bin/chromium and `npm run build:renderer`)');
    return;
  }
  const ws = await mkdtemp(path.join(os.tmpdir(), 'weft-canvas-bench-'));
  await writeFile(path.join(ws, 'big.weft.json'), JSON.stringify(bigPipeline()));
  const child = spawn(process.execPath, [path.join(root, 'bin/weft.js'), 'studio', '--port', '0', '--workspace', ws], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.evaluate("localStorage.setItem('weft.lastFile', 'big.weft.json')");
    const t0 = Date.now();
    await page.reload();
    await page.waitForSelector('.react-flow__node[data-id="n0"]');
    await page.waitForFunction(`document.querySelector('[data-testid="app"]')?.getAttribute('data-ready') === 'true'`);
    const loadMs = Date.now() - t0;
    const box = (await page.getByTestId('canvas').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 3;
    // Passed as text: tsx would wrap named functions in a helper the page does not have.
    await page.evaluate(`(() => {
      window.frames_ = 0;
      window.stop_ = false;
      const tick = () => { window.frames_++; if (!window.stop_) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const start = Date.now();
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 0; i < 120; i++) await page.mouse.move(cx - (i % 60) * 8, cy - (i % 60) * 3);
    await page.mouse.up();
    const frames = Number(await page.evaluate('(() => { window.stop_ = true; return window.frames_; })()'));
    const fps = (frames * 1000) / (Date.now() - start);
    reportBench('canvas-load-1000-nodes', loadMs, null, 'ms', false, 'no peer: page load to first node of a 1,000-node pipeline');
    reportBench('canvas-pan-fps-1000-nodes', fps, null, 'fps', true, 'no peer: headless Chromium, software rendering');
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await rm(ws, { recursive: true, force: true });
  }
}

await main();
