import { CONTENT_SECURITY_POLICY } from '../../core/node/studio/StudioServer';
import type { AppLike, SessionLike, WebContentsLike, WebPreferencesLike } from './electronSurface';

/** The custom scheme the app's pages load from; nothing else may load in a window. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://weft`;

/**
 * The Content-Security-Policy of every app page: the studio server's policy (only the app's own
 * scripts, styles and connections; no eval, no inline script, nothing remote), so the renderer
 * meets one policy in the browser and on the desktop.
 */
export { CONTENT_SECURITY_POLICY };

/** The window's web preferences: an isolated, sandboxed renderer with no Node and web security on. */
export function secureWebPreferences(preload: string): WebPreferencesLike {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Whether a URL is one of the app's own pages (or devtools, which Electron loads itself). */
export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'devtools:') return true;
  return u.protocol === `${APP_SCHEME}:` && u.host === 'weft';
}

/** Blocks navigation away from the app, new windows and webviews on one web contents. */
export function hardenWebContents(contents: WebContentsLike): void {
  const block = (event: { preventDefault(): void }): void => event.preventDefault();
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', block);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Session-wide rules: permissions denied, remote requests cancelled, the CSP header on every response. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAppUrl(details.url) }));
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
}

/** Hardens every web contents the app ever creates, including ones made by Electron itself. */
export function hardenApp(app: AppLike): void {
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
}
