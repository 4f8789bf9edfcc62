import { mergeConfig } from 'vite';
import rendererConfig from '../../renderer/vite.config';

const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** The renderer's Vite config with this folder as the root: the canvas bench's peer page. */
export default mergeConfig(rendererConfig, {
  root: here,
  build: { outDir: decodeURIComponent(new URL('../../dist/canvas-peer', import.meta.url).pathname) },
});
