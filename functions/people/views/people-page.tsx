import type { FlashMessage } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import {
  CsrfField,
  inlineStyle,
  Layout,
  TableScroll,
  type PageViewer,
} from '../../../shared/http/views/index.ts';
import people from '../app.ts';
import { PAGE_PATH } from '../lib/paths.ts';
import { FAULTS } from '../lib/provider-emulator.ts';
import type { Person } from '../lib/schemas.ts';
import type { SyncKind, SyncRun } from '../lib/sync-runs.ts';

const PeopleStyles = inlineStyle(`
.syncs { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(16rem, 100%), 1fr)); gap: 1rem; margin-bottom: 1.25rem; }
.syncs .card { margin-bottom: 0; }
.inline-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.missing { opacity: .6; }
`);

export interface PeoplePageProps {
  page: Page<Person>;
  filters: { hasAddress?: boolean | undefined; hasCard?: boolean | undefined };
  runs: Partial<Record<SyncKind, SyncRun>>;
  emulator: boolean;
  viewer: PageViewer;
  flash: readonly FlashMessage[];
}

const SYNCS: { kind: SyncKind; title: string }[] = [
  { kind: 'users', title: 'Users' },
  { kind: 'addresses', title: 'Addresses' },
  { kind: 'cards', title: 'Cards' },
];

/** The People page: the last run of each sync, "Sync now" for admins, and the people themselves. */
export function PeoplePage(props: PeoplePageProps) {
  const { viewer, page } = props;
  const admin = viewer.user?.role === 'admin';
  return (
    <Layout title="People" flash={props.flash} current={PAGE_PATH} viewer={viewer}>
      <PeopleStyles />
      <div class="page-head">
        <h1>People</h1>
        <p class="muted">
          {page.total.toLocaleString('en-US')} people, synced from the provider and enriched with an address
          and a card (only its last four digits are kept).
        </p>
      </div>
      <div class="syncs">
        {SYNCS.map(({ kind, title }) => (
          <SyncCard title={title} kind={kind} run={props.runs[kind]} admin={admin} csrf={viewer.csrfToken} />
        ))}
      </div>
      {admin && props.emulator ? <FaultsCard csrf={viewer.csrfToken} /> : null}
      <section class="card" aria-labelledby="people-title">
        <h2 id="people-title">People</h2>
        <Filters {...props.filters} />
        {page.items.length === 0 ? (
          <p class="empty">Nobody yet: the users sync brings them (on its schedule, or Sync now).</p>
        ) : (
          <TableScroll label="People">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">City</th>
                  <th scope="col">Card</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((person) => (
                  <tr class={person.missingSince ? 'missing' : undefined}>
                    <td>
                      {person.firstName} {person.lastName}
                      {person.missingSince ? (
                        <>
                          {' '}
                          <span class="badge">no longer listed</span>
                        </>
                      ) : null}
                    </td>
                    <td>{person.email}</td>
                    <td>
                      {person.address ? `${person.address.city}, ${person.address.stateCode ?? ''}` : '—'}
                    </td>
                    <td>{person.card ? `${person.card.brand} ${person.card.number}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager page={page} filters={props.filters} />
      </section>
    </Layout>
  );
}

function SyncCard(props: {
  title: string;
  kind: SyncKind;
  run: SyncRun | undefined;
  admin: boolean;
  csrf: string | undefined;
}) {
  const { run } = props;
  return (
    <section class="card" aria-label={`${props.title} sync`}>
      <h2>{props.title}</h2>
      {run ? (
        <p class="small">
          <span class={`badge badge-${run.status}`}>{run.status}</span>{' '}
          <time datetime={run.finishedAt ?? run.startedAt}>
            {formatWhen(run.finishedAt ?? run.startedAt)}
          </time>
          <br />
          {describeCounts(run.counts)}
          {run.error ? <span class="error-text"> — {run.error}</span> : null}
        </p>
      ) : (
        <p class="small muted">Not run yet.</p>
      )}
      {props.admin ? (
        <form method="post" action={people.url(`/sync/${props.kind}`)}>
          <CsrfField token={props.csrf ?? ''} />
          <button class="btn" type="submit">
            Sync now
          </button>
        </form>
      ) : null}
    </section>
  );
}

function FaultsCard(props: { csrf: string | undefined }) {
  return (
    <section class="card" aria-labelledby="faults-title">
      <h2 id="faults-title">Provider emulator</h2>
      <p class="small muted">Make the next requests misbehave, then Sync now and watch the retries.</p>
      <form class="inline-form" method="post" action={people.url('/provider/faults')}>
        <CsrfField token={props.csrf ?? ''} />
        <select name="fault" aria-label="Fault">
          {FAULTS.map((fault) => (
            <option value={fault}>{fault}</option>
          ))}
        </select>
        <input name="times" type="number" min="1" max="20" value="1" aria-label="Times" />
        <button class="btn" type="submit">
          Queue
        </button>
      </form>
    </section>
  );
}

function Filters(props: { hasAddress?: boolean | undefined; hasCard?: boolean | undefined }) {
  const option = (value: boolean | undefined, current: boolean | undefined, label: string) => (
    <option value={value === undefined ? '' : String(value)} selected={value === current}>
      {label}
    </option>
  );
  return (
    <form class="inline-form" method="get" action={PAGE_PATH}>
      <select name="has_address" aria-label="Address">
        {option(undefined, props.hasAddress, 'Any address')}
        {option(true, props.hasAddress, 'With an address')}
        {option(false, props.hasAddress, 'Without an address')}
      </select>
      <select name="has_card" aria-label="Card">
        {option(undefined, props.hasCard, 'Any card')}
        {option(true, props.hasCard, 'With a card')}
        {option(false, props.hasCard, 'Without a card')}
      </select>
      <button class="btn" type="submit">
        Filter
      </button>
    </form>
  );
}

function Pager(props: {
  page: Page<Person>;
  filters: { hasAddress?: boolean | undefined; hasCard?: boolean | undefined };
}) {
  const { page } = props;
  const href = (offset: number) => {
    const query = new URLSearchParams();
    if (props.filters.hasAddress !== undefined) query.set('has_address', String(props.filters.hasAddress));
    if (props.filters.hasCard !== undefined) query.set('has_card', String(props.filters.hasCard));
    if (offset > 0) query.set('offset', String(offset));
    const text = query.toString();
    return text ? `${PAGE_PATH}?${text}` : PAGE_PATH;
  };
  const last = Math.min(page.offset + page.items.length, page.total);
  return (
    <nav class="pager" aria-label="Pages">
      {page.offset > 0 ? <a href={href(Math.max(0, page.offset - page.limit))}>Previous</a> : null}
      <span class="small muted">
        {page.total === 0 ? 0 : page.offset + 1}–{last} of {page.total}
      </span>
      {last < page.total ? <a href={href(page.offset + page.limit)}>Next</a> : null}
    </nav>
  );
}

/** `2026-12-05 13:19 UTC`: the page's one way of showing a time. */
function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const COUNT_ORDER = ['fetched', 'inserted', 'updated', 'missing', 'picked', 'linked', 'unknown'];

/** `fetched 300 · inserted 0 · updated 2`, and a word when a listing was not complete. */
function describeCounts(counts: SyncRun['counts']): string {
  // In the order the work happens (jsonb keeps keys in its own order).
  const numbers = COUNT_ORDER.filter((name) => typeof counts[name] === 'number').map(
    (name) => `${name} ${(counts[name] as number).toLocaleString('en-US')}`,
  );
  if (counts.complete === false) numbers.push('listing incomplete: nobody marked missing');
  return numbers.join(' · ');
}
