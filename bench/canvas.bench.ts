/**
 * Opens a 1,000-node pipeline in the built renderer (served by `weft studio`) in headless Chromium
 * and reports the load time, the frame rate while panning, and the frame rate over 3 s of dragging
 * one node and of panning (alternating with the peer, three rounds, median). The peer is a plain @xyflow/react page
 * (bench/canvasPeer) with the same 1,000 nodes as default nodes, built with the renderer's Vite
 * config and measured the same way in the same run.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'vite';
import { bigGraph, PEER_VIEWPORT } from './canvasPeer/bigGraph';
import { reportBench } from './report';

const root = path.resolve(import.meta.dirname, '..');
const peerDir = path.join(root, 'dist/canvas-peer');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface CanvasFigures {
  loadMs: number;
  fps: number;
}

function bigPipeline(): unknown {
  const g = bigGraph();
  return {
    format: 'weft.pipeline',
    version: 2,
    metadata: { name: 'big' },
    nodes: g.nodes.map((n) => ({ id: n.id, type: n.type, version: 1, params: {}, position: n.position })),
    edges: g.edges.map((e) => ({
      id: e.id,
      source: { node: e.source, port: 'table' },
      target: { node: e.target, port: 'table' },
    })),
  };
}

/** `weft studio` on a workspace holding the big pipeline; resolves with its URL and a stop function. */
export async function startStudioWithBigPipeline(): Promise<{ url: string; stop: () => Promise<void> }> {
  const ws = await mkdtemp(path.join(os.tmpdir(), 'weft-canvas-bench-'));
  await writeFile(path.join(ws, 'big.weft.json'), JSON.stringify(bigPipeline()));
  const child = spawn(process.execPath, [path.join(root, 'bin/weft.js'), 'studio', '--port', '0', '--workspace', ws], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`weft studio exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await rm(ws, { recursive: true, force: true });
    },
  };
}

/** Serves the built peer page with the studio server's cache headers. */
async function servePeer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(peerDir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(peerDir)) return void res.writeHead(403).end();
    stat(file).then(
      (st) => {
        const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.css') ? 'text/css' : 'text/javascript';
        res.writeHead(200, {
          'content-type': type,
          'content-length': st.size,
          'cache-control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
        });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** A point near the canvas centre where a drag pans (the pane itself, not a node or an edge). */
async function panePoint(page: Page): Promise<{ x: number; y: number }> {
  const found = await page.evaluate(`(() => {
    const box = document.querySelector('.react-flow').getBoundingClientRect();
    const cx = box.left + box.width / 2, cy = box.top + box.height / 3;
    for (let r = 0; r < 200; r += 2) for (let a = 0; a < 16; a++) {
      const x = cx + r * Math.cos(a * Math.PI / 8), y = cy + r * Math.sin(a * Math.PI / 8);
      const el = document.elementFromPoint(x, y);
      if (el && el.classList.contains('react-flow__pane')) return { x, y };
    }
    return null;
  })()`);
  if (!found) throw new Error('no empty pane near the canvas centre to pan from');
  return found as { x: number; y: number };
}

/** Records, in the page, the first animation frame at which `ready` holds (ms from navigation start). */
const readyProbe = (ready: string): string => `(() => {
  const check = () => {
    if (${ready}) window.readyAt_ = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;

/**
 * Load: reload (assets cached by the first visit, as on a second start) and time, in the page, from
 * navigation start to the first frame where the `ready` expression holds.
 * Pan: drags the pane for 120 mouse moves and counts animation frames in the meantime.
 */
export async function measure(page: Page, url: string, ready: string, before?: string): Promise<CanvasFigures> {
  await page.addInitScript(readyProbe(ready));
  await page.goto(url);
  if (before) await page.evaluate(before);
  await page.reload();
  await page.waitForFunction('window.readyAt_ !== undefined');
  const loadMs = Number(await page.evaluate('window.readyAt_'));
  await page.waitForTimeout(500);
  const { x, y } = await panePoint(page);
  // Passed as text: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.frames_ = 0;
    window.stop_ = false;
    const tick = () => { window.frames_++; if (!window.stop_) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const start = Date.now();
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 0; i < 120; i++) await page.mouse.move(x - (i % 60) * 8, y - (i % 60) * 3);
  await page.mouse.up();
  const frames = Number(await page.evaluate('(() => { window.stop_ = true; return window.frames_; })()'));
  return { loadMs, fps: (frames * 1000) / (Date.now() - start) };
}

/** Seconds of continuous mouse work per frame-rate measurement. */
const WORK_MS = 3000;
const WORK_ROUNDS = 3;

/** The centre of a node well inside the canvas, to grab and drag. */
async function nodePoint(page: Page): Promise<{ x: number; y: number; id: string }> {
  const found = await page.evaluate(`(() => {
    const box = document.querySelector('.react-flow').getBoundingClientRect();
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    let best = null, bestD = Infinity;
    for (const n of document.querySelectorAll('.react-flow__node')) {
      const r = n.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      const d = Math.hypot(x - cx, y - cy);
      const hit = document.elementFromPoint(x, y);
      if (d < bestD && hit?.closest('.react-flow__node') === n && !hit.closest('.nodrag')) { best = { x, y, id: n.dataset.id }; bestD = d; }
    }
    return best;
  })()`);
  if (!found) throw new Error('no node inside the canvas to drag');
  return found as { x: number; y: number; id: string };
}

/**
 * Frames per second while the mouse drags one node (`drag`) or the empty pane (`pan`) in a slow
 * circle for WORK_MS, counted by requestAnimationFrame in the page.
 */
export async function workFps(page: Page, kind: 'drag' | 'pan'): Promise<number> {
  const at = kind === 'drag' ? await nodePoint(page) : await panePoint(page);
  const { x, y } = at;
  const moved = JSON.stringify('id' in at ? `.react-flow__node[data-id="${at.id}"]` : '.react-flow__viewport');
  const transform = `document.querySelector(${moved}).style.transform`;
  const before = String(await page.evaluate(transform));
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 4, y + 4);
  await page.evaluate(`(() => {
    window.frames_ = 0;
    window.stop_ = false;
    const tick = () => { window.frames_++; if (!window.stop_) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const start = Date.now();
  for (let i = 0; Date.now() - start < WORK_MS; i++) {
    const a = (i * Math.PI) / 30;
    await page.mouse.move(x + 4 + 60 * Math.sin(a), y + 4 + 40 * (1 - Math.cos(a)));
  }
  const frames = Number(await page.evaluate('(() => { window.stop_ = true; return window.frames_; })()'));
  const elapsed = Date.now() - start;
  const after = String(await page.evaluate(transform));
  await page.mouse.up();
  if (after === before)
    throw new Error(`bench canvas: the ${kind} did not move anything (${transform} on ${page.url()})`);
  return (frames * 1000) / elapsed;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The view the studio opens a 1,000-node pipeline at (too large to fit at a readable zoom: its
 * top-left corner at the smallest zoom where titles read), drawn: the viewport moved there, some
 * nodes and edges drawn and none still hidden for measuring. The peer opens at the same view, so
 * both draw the same visible nodes.
 */
const PEER_READY = `document.querySelector('.react-flow__viewport')?.style.transform === ${JSON.stringify(`translate(${PEER_VIEWPORT.x}px, ${PEER_VIEWPORT.y}px) scale(${+PEER_VIEWPORT.zoom.toFixed(6)})`)}
  && document.querySelectorAll('.react-flow__node').length > 0 && document.querySelectorAll('.react-flow__edge').length > 0
  && !document.querySelector('.react-flow__node[style*="hidden"]')`;
const OURS_READY = `!!document.querySelector('[data-testid="app"][data-ready="true"]') && ${PEER_READY}`;

/** Both pages run without their CSP so the probe can be evaluated; nothing else differs. */
const newPage = async (browser: Browser): Promise<Page> =>
  (await browser.newContext({ bypassCSP: true, viewport: { width: 1440, height: 900 } })).newPage();

/** An open page, measured, with how to close it. */
interface Opened {
  figures: CanvasFigures;
  page: Page;
  close: () => Promise<void>;
}

async function openOurs(browser: Browser, url: string): Promise<Opened> {
  const page = await newPage(browser);
  const figures = await measure(page, url, OURS_READY, "localStorage.setItem('weft.lastFile', 'big.weft.json')");
  return { figures, page, close: () => page.context().close() };
}

export async function measureOurs(browser: Browser, url: string): Promise<CanvasFigures> {
  const { figures, close } = await openOurs(browser, url);
  await close();
  return figures;
}

async function openPeer(browser: Browser): Promise<Opened | null> {
  try {
    await build({ configFile: path.join(root, 'bench/canvasPeer/vite.config.ts'), logLevel: 'error' });
  } catch (e) {
    console.log(`bench canvas: peer page did not build (${(e as Error).message})`);
    return null;
  }
  const { url, server } = await servePeer();
  const page = await newPage(browser);
  const close = async (): Promise<void> => {
    await page.context().close();
    server.close();
  };
  try {
    return { figures: await measure(page, url, PEER_READY), page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/chromium') || !existsSync(path.join(root, 'dist/renderer/index.html'))) {
    console.log('bench canvas: skipped (needs /usr/bin/chromium and `npm run build:renderer`)');
    return;
  }
  const studio = await startStudioWithBigPipeline();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let ours: Opened | null = null;
  let peer: Opened | null = null;
  try {
    ours = await openOurs(browser, studio.url);
    peer = await openPeer(browser);
    const note = 'plain @xyflow/react page did not build';
    reportBench('canvas-load-1000-nodes', ours.figures.loadMs, peer?.figures.loadMs ?? null, 'ms', false, note);
    reportBench('canvas-pan-fps-1000-nodes', ours.figures.fps, peer?.figures.fps ?? null, 'fps', true, note);
    for (const kind of ['drag', 'pan'] as const) {
      const mine: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < WORK_ROUNDS; r++) {
        // alternate who goes first, so a burst of load on the machine does not fall on one side only
        const order = r % 2 === 0 ? [ours, peer] : [peer, ours];
        for (const o of order) {
          if (o === null) continue;
          await o.page.bringToFront();
          (o === ours ? mine : theirs).push(await workFps(o.page, kind));
        }
      }
      reportBench(
        `canvas-${kind}-fps-3s-1000-nodes`,
        median(mine),
        theirs.length ? median(theirs) : null,
        'fps',
        true,
        note,
      );
    }
  } finally {
    await ours?.close();
    await peer?.close();
    await browser.close();
    await studio.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
