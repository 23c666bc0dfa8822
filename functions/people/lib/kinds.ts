import type { SyncKind } from './sync-runs.ts';

/** The app's message kinds, one per sync. */
export const SYNC_KINDS: Record<SyncKind, string> = {
  users: 'people.sync_users',
  addresses: 'people.enrich_addresses',
  cards: 'people.enrich_cards',
};
