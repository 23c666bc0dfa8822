/**
 * A horizontal bar chart drawn on the server as inline SVG: no script, nothing to load, allowed by
 * the pages' Content-Security-Policy, readable by screen readers (its title and a text per bar).
 * Colours come from the stylesheet (`.bar-chart`), so it follows the light and dark themes.
 *
 * @example
 *   <BarChart title="Entries per term" bars={[{ label: 'Fall 2026', value: 812 }]} />
 */
export interface Bar {
  label: string;
  value: number;
}

const WIDTH = 600;
const LABEL_WIDTH = 120;
const VALUE_WIDTH = 70;
const ROW_HEIGHT = 24;
const BAR_HEIGHT = 15;

export function BarChart(props: {
  title: string;
  bars: readonly Bar[];
  /** How a value is written beside its bar. Default: a grouped integer. */
  format?: (value: number) => string;
}) {
  const { bars } = props;
  const format = props.format ?? ((value: number) => value.toLocaleString('en-US'));
  const largest = Math.max(0, ...bars.map((bar) => bar.value));
  const room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = Math.max(1, bars.length) * ROW_HEIGHT;
  return (
    <svg
      class="bar-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      role="img"
      aria-label={props.title}
      preserveAspectRatio="xMinYMin meet"
    >
      <title>{props.title}</title>
      {bars.map((bar, i) => {
        const y = i * ROW_HEIGHT;
        const length = largest > 0 ? Math.max(bar.value > 0 ? 1 : 0, (bar.value / largest) * room) : 0;
        return (
          <g>
            <text class="label" x={LABEL_WIDTH - 8} y={y + ROW_HEIGHT / 2 + 4} text-anchor="end">
              {bar.label}
            </text>
            <rect
              x={LABEL_WIDTH}
              y={y + (ROW_HEIGHT - BAR_HEIGHT) / 2}
              width={length.toFixed(1)}
              height={BAR_HEIGHT}
              rx="2"
            />
            <text class="value" x={LABEL_WIDTH + length + 6} y={y + ROW_HEIGHT / 2 + 4}>
              {format(bar.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
