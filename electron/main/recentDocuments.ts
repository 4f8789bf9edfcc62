import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AppLike } from './electronSurface';
import { jsonStore } from './jsonStore';

const MAX_RECENT = 10;

/** Recently opened or saved pipelines, newest first, kept in `recent.json` and told to the OS. */
export class RecentDocuments {
  private readonly store;
  private list: string[];

  constructor(
    private readonly app: AppLike,
    userData: string,
  ) {
    this.store = jsonStore(path.join(userData, 'recent.json'), z.array(z.string()), []);
    this.list = this.store
      .read()
      .filter((p) => existsSync(p))
      .slice(0, MAX_RECENT);
  }

  get paths(): string[] {
    return [...this.list];
  }

  has(file: string): boolean {
    return this.list.includes(path.resolve(file));
  }

  add(file: string): void {
    const abs = path.resolve(file);
    this.list = [abs, ...this.list.filter((p) => p !== abs)].slice(0, MAX_RECENT);
    this.store.write(this.list);
    this.app.addRecentDocument(abs);
  }

  clear(): void {
    this.list = [];
    this.store.write(this.list);
    this.app.clearRecentDocuments();
  }
}
