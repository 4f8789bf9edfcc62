import path from 'node:path';
import type { Command } from 'commander';

interface CacheFlags {
  workspace?: string;
}

function size(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

const cacheDirOf = (flags: CacheFlags): string =>
  path.join(path.resolve(flags.workspace ?? process.cwd()), '.weft', 'cache');

export function registerCacheCommand(program: Command): void {
  const cache = program
    .command('cache')
    .description('show or clear the disk cache of node results (<workspace>/.weft/cache)')
    .option('--workspace <dir>', 'workspace folder holding .weft/cache (default: the current folder)');

  cache
    .command('info')
    .description('size, entry count, what the cache holds by node type, oldest and newest entry')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const { DiskCache } = await import('../../node/engine/DiskCache');
      const info = await new DiskCache(cacheDirOf(cache.opts<CacheFlags>())).info();
      if (flags.json) {
        console.log(JSON.stringify(info));
        return;
      }
      console.log(`cache     ${info.dir}`);
      console.log(
        `size      ${size(info.bytes)} in ${info.values} stored result${info.values === 1 ? '' : 's'} and ${info.summaries} summar${info.summaries === 1 ? 'y' : 'ies'} (recomputed when needed)`,
      );
      if (info.oldest !== undefined && info.newest !== undefined)
        console.log(
          `entries   oldest ${new Date(info.oldest).toISOString()}, newest ${new Date(info.newest).toISOString()}`,
        );
      const rows = Object.entries(info.byType).sort((a, b) => b[1].bytes - a[1].bytes);
      if (!rows.length) return;
      const width = rows.reduce((w, [t]) => Math.max(w, t.length), 9);
      console.log(`${'node type'.padEnd(width)}  ${'stored'.padStart(6)}  ${'summaries'.padStart(9)}  size`);
      for (const [t, r] of rows)
        console.log(
          `${t.padEnd(width)}  ${String(r.values).padStart(6)}  ${String(r.summaries).padStart(9)}  ${size(r.bytes)}`,
        );
    });

  cache
    .command('clear')
    .description('delete every cached node result (trained models will retrain on the next run)')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const { DiskCache } = await import('../../node/engine/DiskCache');
      const dir = cacheDirOf(cache.opts<CacheFlags>());
      const gone = await new DiskCache(dir).clear();
      if (flags.json) console.log(JSON.stringify({ dir, ...gone }));
      else
        console.log(
          `removed ${gone.entries} entr${gone.entries === 1 ? 'y' : 'ies'} (${size(gone.bytes)}) from ${dir}`,
        );
    });
}
