import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n !== 'zod').flatMap((n) => [n, `${n}/*`]);
const entry = process.argv[2];
const r = await build({ entryPoints: [entry], outdir: 'dist/zzmeta', bundle: true, format: 'esm', platform: 'node', target: 'node20', external, metafile: true, write: false, logLevel: 'warning' });
const ins = r.metafile.inputs;
// static import graph from entry; print why-chains for the targets
const parent = new Map([[entry, null]]); const q = [entry];
while (q.length) { const f = q.shift(); for (const i of ins[f]?.imports ?? []) { if (i.kind !== 'import-statement' || i.external) continue; if (!parent.has(i.path)) { parent.set(i.path, f); q.push(i.path); } } }
let bytes = 0; for (const f of parent.keys()) bytes += ins[f]?.bytes ?? 0;
console.log('static inputs', parent.size, 'bytes', bytes);
for (const t of process.argv.slice(3)) { const chain = []; for (let f = [...parent.keys()].find(k => k.includes(t)); f; f = parent.get(f)) chain.push(f); console.log(t, ':', chain.reverse().join(' -> ')); }
