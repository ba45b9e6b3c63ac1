/** The box a chart shows under the pointer: what the point is, then one line per series in its colour. */
import type { CSSProperties } from 'react';

export interface TooltipItem {
  name: string;
  colour: string;
  value: string;
}

interface Props {
  /** Pointer position inside the chart's box (px); the box sits beside it, on the side with more room. */
  x: number;
  y: number;
  /** The chart's width (px), to choose the side. */
  width: number;
  label: string;
  items: TooltipItem[];
}

const BOX: CSSProperties = {
  position: 'absolute',
  pointerEvents: 'none',
  margin: 0,
  padding: '0.35rem 0.6rem',
  background: 'var(--panel)',
  border: '1px solid var(--line)',
  borderRadius: 4,
  fontSize: '0.85rem',
  lineHeight: 1.5,
  whiteSpace: 'nowrap',
  zIndex: 1,
};

const SWATCH: CSSProperties = {
  display: 'inline-block',
  width: '0.7em',
  height: '0.7em',
  borderRadius: 2,
  verticalAlign: 'baseline',
};

export function ChartTooltip({ x, y, width, label, items }: Props) {
  const side: CSSProperties = x > width / 2 ? { right: width - x + 12 } : { left: x + 12 };
  return (
    <div className="chart-tooltip" style={{ ...BOX, ...side, top: y }} role="presentation">
      <div>{label}</div>
      {items.map((item) => (
        <div key={item.name}>
          {/* The series' colour as a swatch, the words in the text colour: yellow text on white is unreadable. */}
          <span style={{ ...SWATCH, background: item.colour }} /> {item.name}: {item.value}
        </div>
      ))}
    </div>
  );
}
