import type { PointerEvent as ReactPointerEvent } from 'react';

interface Props {
  /** `row`: a horizontal bar that moves up and down; `column`: a vertical bar that moves sideways. */
  direction: 'row' | 'column';
  size: number;
  onResize: (px: number) => void;
  /** +1 when dragging right/down grows the panel, -1 when it shrinks it. */
  sign: 1 | -1;
  label: string;
  testId: string;
}

/** A drag handle between two panels; arrow keys move it by 16 px. */
export function Splitter({ direction, size, onResize, sign, label, testId }: Props) {
  const start = (e: ReactPointerEvent<HTMLDivElement>): void => {
    e.preventDefault();
    const origin = direction === 'row' ? e.clientY : e.clientX;
    const from = size;
    const move = (ev: PointerEvent): void => {
      const now = direction === 'row' ? ev.clientY : ev.clientX;
      onResize(from + sign * (now - origin));
    };
    const up = (): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      document.body.classList.remove('weft-resizing');
    };
    document.body.classList.add('weft-resizing');
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const grow = direction === 'row' ? ['ArrowDown', 'ArrowUp'] : ['ArrowRight', 'ArrowLeft'];
  return (
    <div
      className={`weft-splitter ${direction}`}
      role="separator"
      aria-orientation={direction === 'row' ? 'horizontal' : 'vertical'}
      aria-label={label}
      aria-valuenow={size}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={start}
      onKeyDown={(e) => {
        if (e.key === grow[0]) onResize(size + sign * 16);
        else if (e.key === grow[1]) onResize(size - sign * 16);
      }}
    />
  );
}
