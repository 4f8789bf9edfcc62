import { useEffect, useRef } from 'react';
import type { ImageSample } from '../../core/common';

function Thumb({ img }: { img: ImageSample }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const data = ctx.createImageData(img.width, img.height);
    for (let p = 0; p < img.width * img.height; p++) {
      const r = img.pixels[p * img.channels] ?? 0;
      data.data[p * 4] = r;
      data.data[p * 4 + 1] = img.channels === 3 ? (img.pixels[p * 3 + 1] ?? 0) : r;
      data.data[p * 4 + 2] = img.channels === 3 ? (img.pixels[p * 3 + 2] ?? 0) : r;
      data.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
  }, [img]);
  return (
    <figure className="weft-thumb">
      <canvas
        ref={ref}
        width={img.width}
        height={img.height}
        style={img.width > img.height ? { width: Math.round((56 * img.width) / img.height) } : undefined}
      />
      {img.label !== undefined && <figcaption>{img.label}</figcaption>}
    </figure>
  );
}

export function ImageGrid({ images }: { images: ImageSample[] }) {
  return (
    <div className="weft-image-grid" data-testid="image-grid">
      {images.map((img, i) => (
        <Thumb key={i} img={img} />
      ))}
    </div>
  );
}
