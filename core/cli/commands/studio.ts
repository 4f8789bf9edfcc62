import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../node/executors/Executor';
import { WEFT_VERSION } from '../../node/version';
import { packageRoot } from '../../node/packageRoot';

interface StudioFlags {
  port?: string;
  workspace?: string;
  open?: boolean;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`weft: could not open a browser; visit ${url}`));
  child.unref();
}

export function registerStudioCommand(program: Command): void {
  program
    .command('studio')
    .description('serve the studio (canvas, runs, results) on 127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '7878')
    .option('--workspace <dir>', 'folder for pipelines, data, caches and runs', '.')
    .option('--open', 'open the studio in the default browser')
    .action(async (flags: StudioFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port must be 0–65535, got ${flags.port}`);
      const workspace = path.resolve(flags.workspace ?? '.');
      await mkdir(workspace, { recursive: true });
      let studio;
      try {
        const { createDefaultEngine } = await import('../../node/defaultEngine');
        const { startStudioServer } = await import('../../node/studio/StudioServer');
        studio = await startStudioServer({
          workspace,
          rendererDir: path.join(packageRoot(), 'dist', 'renderer'),
          examplesDir: path.join(packageRoot(), 'resources', 'examples'),
          dataDir: path.join(packageRoot(), 'resources', 'data'),
          engine: createDefaultEngine(workspace),
          version: WEFT_VERSION,
          port,
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
          throw new UserError(`port ${port} is in use; pass --port 0 for a free one`);
        throw e;
      }
      console.log(`weft studio: ${studio.url} (workspace ${workspace})`);
      if (flags.open) openBrowser(studio.url);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await studio.close();
    });
}
