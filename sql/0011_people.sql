-- People app: users synced from a provider's API (upserted by the provider's id), each enriched
-- with at most one address and one card. Card numbers are never stored: a card keeps its brand,
-- last four digits, expiry and a keyed hash of the number (to tell two cards apart).

create schema if not exists people;

create table people.users (
  id           bigint generated always as identity primary key,
  -- The provider's id: the sync upserts by it, so a rerun adds nothing twice.
  external_id  bigint not null unique,
  first_name   text not null,
  last_name    text not null,
  email        text not null,
  phone        text,
  username     text,
  birth_date   date,
  gender       text,
  image        text,
  -- When the last sync listed the user; a user the provider no longer lists is kept, marked
  -- with the time a complete listing first missed it (cleared if it comes back).
  seen_at      timestamptz not null default now(),
  seen_in_run  bigint,
  missing_since timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

create table people.addresses (
  id          bigint generated always as identity primary key,
  user_id     bigint not null unique references people.users (id) on delete cascade,
  address     text not null,
  city        text not null,
  state       text,
  state_code  text,
  postal_code text,
  country     text,
  latitude    double precision,
  longitude   double precision,
  updated_at  timestamptz not null default now()
);

create table people.cards (
  id          bigint generated always as identity primary key,
  user_id     bigint not null unique references people.users (id) on delete cascade,
  brand       text not null,
  last4       text not null check (last4 ~ '^[0-9]{4}$'),
  exp_month   smallint not null check (exp_month between 1 and 12),
  exp_year    smallint not null check (exp_year between 2000 and 2100),
  -- HMAC-SHA256 of the number under PEOPLE_CARD_HASH_KEY: the same card gives the same hash,
  -- and without the key the hash says nothing about the number.
  number_hash text not null check (number_hash ~ '^[0-9a-f]{64}$'),
  updated_at  timestamptz not null default now()
);

-- One row per run of a sync (users, addresses, cards): the page shows the last of each, and a
-- running one (with an unexpired lease) keeps a second from starting.
create table people.sync_runs (
  id          bigint generated always as identity primary key,
  kind        text not null check (kind in ('users', 'addresses', 'cards')),
  status      text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  job_id      uuid,
  lease_until timestamptz,
  started_at  timestamptz not null default now(),
  finished_at timestamptz,
  -- users: fetched, inserted, updated, missing; enrichment: picked, linked.
  counts      jsonb not null default '{}',
  error       text
);

create unique index sync_runs_one_running on people.sync_runs (kind) where status = 'running';
create index sync_runs_recent on people.sync_runs (kind, started_at desc);

-- The provider emulator's misbehaviour, queued by tests and the page: each request to the
-- emulator takes the oldest fault and answers with it.
create table people.provider_faults (
  id         bigint generated always as identity primary key,
  fault      text not null check (fault in ('rate_limit', 'server_error', 'unavailable', 'slow', 'truncated', 'changed_field', 'repeat_page')),
  created_at timestamptz not null default now()
);
