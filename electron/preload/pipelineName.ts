/** Whether a file name looks like a pipeline (`*.weft.json`); plain `.json` drops are left to the page. */
export function isPipelinePathName(name: string): boolean {
  return name.toLowerCase().endsWith('.weft.json');
}
