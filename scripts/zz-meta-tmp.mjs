import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n !== 'zod').flatMap((n) => [n, `${n}/*`]);
const entry = process.argv[2];
const r = await build({ entryPoints: [entry], outdir: 'dist/zzmeta', bundle: true, format: 'esm', platform: 'node', target: 'node20', external, metafile: true, write: false, logLevel: 'error' });
const ins = r.metafile.inputs;
const parent = new Map([[entry, null]]); const q = [entry]; const extParents = new Map();
while (q.length) { const f = q.shift(); for (const i of ins[f]?.imports ?? []) { if (i.kind !== 'import-statement') continue; if (i.external) { if (!extParents.has(i.path)) extParents.set(i.path, f); continue; } if (!parent.has(i.path)) { parent.set(i.path, f); q.push(i.path); } } }
const chain = (f) => { const c = []; for (; f; f = parent.get(f)) c.push(f.replace('core/', '')); return c.reverse().join(' -> '); };
for (const [p, f] of extParents) if (!p.startsWith('node:')) console.log(p.padEnd(24), ':', chain(f));
