import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** A small JSON file in the user-data folder, read through a schema; a missing or bad file gives the fallback. */
export function jsonStore<T>(file: string, schema: z.ZodType<T>, fallback: T): { read(): T; write(value: T): void } {
  return {
    read() {
      try {
        const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
        return parsed.success ? parsed.data : fallback;
      } catch {
        return fallback;
      }
    },
    write(value) {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value, null, 2));
      renameSync(tmp, file);
    },
  };
}
