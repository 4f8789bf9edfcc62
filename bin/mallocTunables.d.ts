export declare const MALLOC_SPEED_TUNABLES: string;
export declare const WEFT_MALLOC_TUNABLES: string;
export declare function withMallocTunables(env: NodeJS.ProcessEnv, platform?: string): NodeJS.ProcessEnv | undefined;
