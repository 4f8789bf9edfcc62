import path from 'node:path';
import * as electron from 'electron';
import { createWeftMain } from './main/createMain';

const electronDir = __dirname;
const weft = createWeftMain(electron, {
  electronDir,
  rendererDir: path.join(electronDir, '..', 'renderer'),
  examplesDir: path.join(electronDir, '..', '..', 'resources', 'examples'),
  argv: process.argv,
  cwd: process.cwd(),
  platform: process.platform,
  env: { ...process.env },
});
weft.ready.catch((e: unknown) => {
  console.error('weft: failed to start', e);
  electron.app.quit();
});
