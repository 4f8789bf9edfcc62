import { z } from 'zod';

/** The `threads` param of nodes that compute on several threads: 0 (default) lets the node choose. */
export const threadsParam = (help: string) => z.number().int().min(0).max(256).default(0).describe(help);
