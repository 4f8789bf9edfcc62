/** Saves a canvas (a uPlot chart's) as `<name>.png` through a download link. */
export function downloadPng(canvas: HTMLCanvasElement, name: string): void {
  const a = document.createElement('a');
  a.href = canvas.toDataURL('image/png');
  a.download = `${name.replace(/[^\w.-]+/g, '_')}.png`;
  a.click();
}
