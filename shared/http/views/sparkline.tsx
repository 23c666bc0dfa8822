/**
 * A tiny column chart of a series (say, one column per minute of the last hour), drawn on the
 * server as inline SVG like BarChart: no script, allowed by the CSP, themed by the stylesheet
 * (`.sparkline`, `.sparkline .bad` for a series that counts failures). Its label says the totals,
 * for screen readers and as a tooltip.
 *
 * @example
 *   <Sparkline label="412 processed in the last hour" values={perMinute} />
 */
const HEIGHT = 24;
const COLUMN = 2;
const GAP = 1;

export function Sparkline(props: { label: string; values: readonly number[]; tone?: 'good' | 'bad' }) {
  const { values } = props;
  const largest = Math.max(0, ...values);
  const width = values.length * (COLUMN + GAP);
  return (
    <svg
      class={props.tone === 'bad' ? 'sparkline bad' : 'sparkline'}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      width={width}
      height={HEIGHT}
      role="img"
      aria-label={props.label}
    >
      <title>{props.label}</title>
      <line x1="0" y1={HEIGHT - 0.5} x2={width} y2={HEIGHT - 0.5} />
      {values.map((value, i) => {
        if (value <= 0) return null;
        const height = Math.max(1, (value / largest) * (HEIGHT - 1));
        return (
          <rect
            x={i * (COLUMN + GAP)}
            y={(HEIGHT - height).toFixed(1)}
            width={COLUMN}
            height={height.toFixed(1)}
          />
        );
      })}
    </svg>
  );
}
