-- Platform tables shared by every app: jobs and the inbox.
-- (schema_migrations is created by the migrator itself.)

create table jobs (
  id             uuid primary key,
  kind           text not null,
  status         text not null check (status in ('queued', 'running', 'retrying', 'succeeded', 'failed', 'dead')),
  attempts       integer not null default 0,
  payload        jsonb not null default '{}'::jsonb,
  result         jsonb,
  error          text,
  correlation_id text not null,
  created_at     timestamptz not null default now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  updated_at     timestamptz not null default now()
);

create index jobs_kind_created_idx on jobs (kind, created_at desc);
create index jobs_status_idx on jobs (status) where status in ('queued', 'running', 'retrying');

-- One row per message whose effects committed, keyed by envelope id and consuming queue:
-- a redelivered message finds its row and is acknowledged without running again.
-- Two functions consuming the same kind each record their own row.
create table inbox (
  message_id   uuid not null,
  queue        text not null,
  kind         text not null,
  processed_at timestamptz not null default now(),
  primary key (message_id, queue)
);

create index inbox_processed_at_idx on inbox (processed_at);
