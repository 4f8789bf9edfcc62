import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/**
 * Serves the built renderer at `app://weft/…` from one folder, with the CSP header. Paths outside
 * that folder and any other host answer 404, so the scheme cannot read arbitrary files.
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    const notFound = new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN || request.method !== 'GET') return notFound;
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound;
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound;
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
