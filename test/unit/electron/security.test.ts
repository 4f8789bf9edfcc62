import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../../electron/main/appProtocol';
import { createWeftMain } from '../../../electron/main/createMain';
import { CONTENT_SECURITY_POLICY, isAppUrl } from '../../../electron/main/security';
import { fakeElectron, FakeWindow } from './fakeElectron';

async function started() {
  const e = fakeElectron();
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'weft-renderer-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Weft</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(path.dirname(rendererDir), 'outside.txt'), 'secret');
  const main = createWeftMain(e, {
    electronDir: '/app/dist/electron',
    rendererDir,
    workspace: mkdtempSync(path.join(os.tmpdir(), 'weft-ws-')),
    argv: ['weft'],
    cwd: '/',
    platform: 'linux',
  });
  await main.ready;
  return { e, win: FakeWindow.all.at(-1)!, rendererDir };
}

describe('window security settings', () => {
  it('the renderer is isolated and sandboxed, without Node, with web security on, and loads the preload bundle', async () => {
    const { win } = await started();
    const wp = win.options.webPreferences!;
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.preload).toBe(path.join('/app/dist/electron', 'preload.cjs'));
  });

  it('loads only the app scheme, never a remote page or file://', async () => {
    const { e, win } = await started();
    expect(win.loaded).toEqual(['app://weft/index.html']);
    expect(e.state.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
    ]);
    const cancelled = (url: string): boolean | undefined => {
      let r: { cancel?: boolean } = {};
      e.state.beforeRequest!({ url }, (x) => (r = x));
      return r.cancel;
    };
    expect(cancelled('app://weft/assets/app.js')).toBe(false);
    expect(cancelled('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(cancelled('https://example.com/x.js')).toBe(true);
    expect(cancelled('http://127.0.0.1:8080/')).toBe(true);
    expect(cancelled('file:///etc/passwd')).toBe(true);
    expect(cancelled('app://evil/index.html')).toBe(true);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('blocks navigation, redirects, webviews and new windows', async () => {
    const { win } = await started();
    const wc = win.webContents;
    expect(wc.attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(wc.attempt('will-navigate', 'app://weft/other.html')).toBe(true);
    expect(wc.attempt('will-redirect', 'https://example.com/')).toBe(true);
    expect(wc.attempt('will-attach-webview')).toBe(true);
    expect(wc.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'app://weft/index.html' })).toEqual({ action: 'deny' });
  });

  it('hardens every web contents the app creates, not only the main window', async () => {
    const { e } = await started();
    const { FakeWebContents } = await import('./fakeElectron');
    const other = new FakeWebContents();
    e.appEvents.emit('web-contents-created', {}, other);
    expect(other.attempt('will-navigate')).toBe(true);
    expect(other.windowOpenHandler!({ url: 'https://x/' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', async () => {
    const { e } = await started();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fileSystem',
    ]) {
      let granted: boolean | undefined;
      e.state.permissionRequest!({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(e.state.permissionCheck!({}, permission)).toBe(false);
    }
  });

  it('sets a strict Content-Security-Policy on every response, replacing any other', async () => {
    const { e } = await started();
    let headers: Record<string, string[]> | undefined;
    e.state.headersReceived!(
      {
        url: 'app://weft/index.html',
        responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
      },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:/);
  });

  it('the app scheme serves the built renderer with the CSP, and nothing outside it', async () => {
    const { e, rendererDir } = await started();
    const handle = e.state.protocolHandlers.get('app')!;
    const index = await handle(new Request('app://weft/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('<title>Weft</title>');
    const js = await handle(new Request('app://weft/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const direct = createAppProtocolHandler(rendererDir);
    for (const url of [
      'app://weft/%2e%2e/outside.txt',
      'app://weft/..%2foutside.txt',
      'app://weft/assets/%2e%2e%2f%2e%2e%2foutside.txt',
      'app://other/index.html',
      'app://weft/missing.js',
    ]) {
      expect((await direct(new Request(url))).status, url).toBe(404);
    }
    expect((await direct(new Request('app://weft/index.html', { method: 'POST', body: 'x' }))).status).toBe(404);
  });
});
