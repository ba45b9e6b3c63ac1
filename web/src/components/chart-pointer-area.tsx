/** A transparent rect over a chart's plot that reports where the pointer is (px, in the SVG), or null once it leaves. */
import type { PointerEvent } from 'react';
import type { PlotBox } from './chart-scale.ts';

export interface PointerAt {
  x: number;
  y: number;
}

export function ChartPointerArea({ plot, onPointer }: { plot: PlotBox; onPointer: (at: PointerAt | null) => void }) {
  const follow = (event: PointerEvent<SVGRectElement>): void => {
    const svg = event.currentTarget.ownerSVGElement?.getBoundingClientRect();
    if (svg) onPointer({ x: event.clientX - svg.left, y: event.clientY - svg.top });
  };
  return (
    <rect
      x={plot.left}
      y={plot.top}
      width={plot.width}
      height={plot.height}
      fill="transparent"
      onPointerMove={follow}
      onPointerLeave={() => onPointer(null)}
    />
  );
}
