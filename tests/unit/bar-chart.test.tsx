import { describe, expect, it } from 'vitest';
import { BarChart } from '../../shared/http/views/index.ts';

/** The server-drawn bar chart: one bar per value, lengths in proportion, readable without the picture. */
const widths = (svg: string) => [...svg.matchAll(/<rect[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('BarChart', () => {
  it('draws one bar per value, the largest full length and the others in proportion', () => {
    const svg = String(
      <BarChart
        title="Entries per term"
        bars={[
          { label: 'Fall 2026', value: 820 },
          { label: 'Spring 2026', value: 410 },
          { label: 'Fall 2025', value: 0 },
        ]}
      />,
    );
    const [full, half, none] = widths(svg);
    expect(full).toBeGreaterThan(300);
    expect(half).toBeCloseTo(full! / 2, 0);
    expect(none).toBe(0);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Entries per term</title>');
    expect(svg).toContain('>820<');
    expect(svg).toContain('>Spring 2026<');
  });

  it('keeps a tiny value visible, formats values, escapes labels, and draws nothing for no data', () => {
    const svg = String(
      <BarChart
        title="Rates"
        bars={[
          { label: '<b>big</b>', value: 100_000 },
          { label: 'tiny', value: 1 },
        ]}
        format={(n) => `${n} %`}
      />,
    );
    expect(widths(svg)[1]).toBe(1);
    expect(svg).toContain('>1 %<');
    expect(svg).toContain('&lt;b&gt;big&lt;/b&gt;');
    expect(widths(String(<BarChart title="Empty" bars={[]} />))).toEqual([]);
  });
});
