/**
 * Version of what the engine computes from unchanged inputs. Bump it when the model compiler, the
 * autodiff, an executor's numerics or the shape of a cached value change: it goes into every node's
 * cache key beside Weft's package version, so results cached before the change are recomputed.
 */
export const ENGINE_VERSION = 6;
