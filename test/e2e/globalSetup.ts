import { existsSync } from 'node:fs';
import path from 'node:path';

/** Fails early, with the fix, when the browser or the built renderer is missing. */
export default function globalSetup(): void {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error(
      "/usr/bin/chromium is missing: the end-to-end tests use Debian's Chromium; `.ci/run` installs it (apt-get install chromium).",
    );
  }
  if (!existsSync(path.resolve('dist/renderer/index.html'))) {
    throw new Error('dist/renderer is not built: run `npm run build:renderer` first (`npm test` does).');
  }
}
