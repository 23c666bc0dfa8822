/**
 * The sample products of a first start, and their pictures: drawn here as SVG and served by the
 * app (sample-image.ts), so the demo shows images with no internet access.
 */
export const SAMPLES = [
  { name: 'desk-lamp', title: 'Desk lamp', colors: ['#f6d365', '#fda085'] },
  { name: 'armchair', title: 'Armchair', colors: ['#a1c4fd', '#c2e9fb'] },
  { name: 'coffee-mug', title: 'Coffee mug', colors: ['#d4a373', '#faedcd'] },
  { name: 'house-plant', title: 'House plant', colors: ['#84fab0', '#8fd3f4'] },
  { name: 'wall-clock', title: 'Wall clock', colors: ['#cfd9df', '#e2ebf0'] },
  { name: 'backpack', title: 'Backpack', colors: ['#fbc2eb', '#a6c1ee'] },
] as const;

export type SampleName = (typeof SAMPLES)[number]['name'];
export const SAMPLE_NAMES = SAMPLES.map((sample) => sample.name) as [SampleName, ...SampleName[]];

/** A 400×300 picture: the sample's gradient and its title. */
export function sampleSvg(name: SampleName): string {
  const sample = SAMPLES.find((s) => s.name === name)!;
  const [from, to] = sample.colors;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
<rect width="400" height="300" fill="url(#g)"/>
<circle cx="200" cy="130" r="58" fill="#ffffff" fill-opacity=".45"/>
<text x="200" y="238" text-anchor="middle" font-family="system-ui, sans-serif" font-size="28" font-weight="600" fill="#1f2933">${sample.title}</text>
</svg>`;
}
