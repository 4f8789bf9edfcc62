export * from './runRecord';
export * from './diffRuns';
export * from './formatDiff';
