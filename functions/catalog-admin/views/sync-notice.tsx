import type { SyncStatus } from '../lib/sync-status.ts';

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Whether the gallery has everything: product changes still in the outbox (the broker has not
 * taken them yet) and likes still waiting to be counted are said, not hidden.
 */
export function SyncNotice({ status }: { status: SyncStatus }) {
  const { unsentChanges, uncountedLikes } = status;
  const behind = unsentChanges > 0 || (uncountedLikes ?? 0) > 0;
  return (
    <section
      class={`card small sync ${behind ? 'flash-info' : ''}`}
      aria-label="Sync with the gallery"
      role="status"
    >
      <strong>{behind ? 'Catching up' : 'In sync'}</strong>
      {unsentChanges > 0 ? (
        <span>
          {plural(unsentChanges, 'change', 'changes')} not yet sent to the gallery (oldest{' '}
          {Math.round(status.oldestUnsentSeconds)} s): they wait in the outbox until the broker takes them.
        </span>
      ) : (
        <span class="muted">Every change has been sent to the gallery.</span>
      )}
      {uncountedLikes === undefined ? (
        <span class="muted">Likes waiting to be counted: unknown (the broker does not answer).</span>
      ) : uncountedLikes > 0 ? (
        <span>{plural(uncountedLikes, 'like', 'likes')} from the gallery not yet counted.</span>
      ) : null}
    </section>
  );
}
