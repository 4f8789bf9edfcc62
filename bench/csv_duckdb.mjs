// DuckDB peer for bench/csv.bench.ts: reads a CSV into an in-memory table with read_csv (type
// sniffing on, DuckDB's default thread count) and prints {"seconds","cpuSeconds","peakDeltaMB",
// "rows","cols","threads"} as one JSON line.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const threads = Number((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
const before = process.memoryUsage().rss;
const t = performance.now();
const cpu = process.cpuUsage();
await connection.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`);
const seconds = (performance.now() - t) / 1000;
const { user, system } = process.cpuUsage(cpu);
const peak = process.resourceUsage().maxRSS * 1024;
const rows = Number((await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
const cols = (await connection.runAndReadAll('SELECT * FROM t LIMIT 1')).columnCount;
// eslint-disable-next-line no-console -- the one JSON line the bench reads
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (user + system) / 1e6,
    peakDeltaMB: (peak - before) / 1e6,
    rows,
    cols,
    threads,
  }),
);
