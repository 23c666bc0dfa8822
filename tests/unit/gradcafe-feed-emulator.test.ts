import { describe, expect, it } from 'vitest';
import { BUNDLED_FIRST_ID, BUNDLED_LAST_ID, entryFor } from '../../functions/gradcafe/lib/entry-generator.ts';
import { feedPage, latestIdFor } from '../../functions/gradcafe/lib/feed-emulator.ts';
import { feedPageSchema } from '../../functions/gradcafe/lib/source.ts';

const idsOf = (page: ReturnType<typeof feedPage>) =>
  page.entries.map((e) =>
    Number(
      String((e as { url: string }).url)
        .split('/')
        .at(-1),
    ),
  );

describe('feedPage', () => {
  it('starts at the bundled set for an early key and pages with a cursor', () => {
    const page = feedPage(0, 0, 3);
    expect(idsOf(page)).toEqual([BUNDLED_FIRST_ID, BUNDLED_FIRST_ID + 1, BUNDLED_FIRST_ID + 2]);
    expect(page.nextAfter).toBe(BUNDLED_FIRST_ID + 2);
    expect(feedPageSchema.safeParse(page).success).toBe(true);
  });

  it('serves the released entries after the bundled set, made by entryFor', () => {
    const page = feedPage(5, BUNDLED_LAST_ID, 100);
    expect(idsOf(page)).toEqual([1, 2, 3, 4, 5].map((n) => BUNDLED_LAST_ID + n));
    expect(page.entries[0]).toEqual(entryFor(BUNDLED_LAST_ID + 1));
    expect(page.nextAfter).toBeNull();
  });

  it('has nothing new past the latest released id', () => {
    expect(feedPage(0, BUNDLED_LAST_ID, 100)).toEqual({ entries: [], nextAfter: null });
    expect(feedPage(2, latestIdFor(2) + 50, 100)).toEqual({ entries: [], nextAfter: null });
  });

  it('gives no cursor on the page that ends exactly at the latest id', () => {
    const page = feedPage(4, BUNDLED_LAST_ID, 4);
    expect(page.entries).toHaveLength(4);
    expect(page.nextAfter).toBeNull();
  });
});
