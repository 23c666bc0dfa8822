-- Notes app: each user's tasks, the latest summary report per owner (written by the
-- notes_task_report task) and, in schema `analytics`, the same report as a JSON document for
-- dashboards (the reference app's Mongo collection, kept in Postgres as JSONB). Owners are
-- platform accounts (auth.users); deleting an account deletes its tasks and reports.
-- Checks mirror functions/notes/lib/model.ts, so the API's 400s and the database agree.

create schema if not exists notes;

create table notes.tasks (
  id          uuid primary key default gen_random_uuid(),
  owner_id    uuid not null references auth.users (id) on delete cascade,
  title       text not null check (char_length(title) between 1 and 200 and btrim(title) <> ''),
  description text not null default '' check (char_length(description) <= 2000),
  status      text not null default 'todo' check (status in ('todo', 'in_progress', 'done')),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- Every listing is one owner's tasks, newest first (optionally of one status: few enough per
-- owner that filtering the owner's rows beats a second index).
create index tasks_owner_created_idx on notes.tasks (owner_id, created_at desc);

-- The latest report per owner; a new report replaces the previous one (upsert by owner).
create table notes.task_reports (
  owner_id        uuid primary key references auth.users (id) on delete cascade,
  total           integer not null check (total >= 0),
  todo            integer not null check (todo >= 0),
  in_progress     integer not null check (in_progress >= 0),
  done            integer not null check (done >= 0),
  -- done / total, 0 when there are no tasks.
  completion_rate numeric(5, 4) not null check (completion_rate between 0 and 1),
  -- { windowDays, created, updated, lastChanges: [{ taskId, title, status, change, at }] }
  recent_activity jsonb not null,
  generated_at    timestamptz not null default now(),
  -- The job that generated it (GET /jobs/:id); null when generated outside a job.
  job_id          uuid
);

create schema if not exists analytics;

-- Denormalised report documents for BI: one per owner, replaced on every sync. No foreign key:
-- a document store keeps what it was sent, and readers must not depend on auth internals.
create table analytics.task_reports (
  owner_id  uuid primary key,
  document  jsonb not null,
  synced_at timestamptz not null default now()
);

-- Accounts that received the demo tasks (functions/notes/lib/seed.ts), so a restart never seeds
-- them again, even after the user deleted every demo task.
create table notes.demo_seeds (
  owner_id  uuid primary key references auth.users (id) on delete cascade,
  seeded_at timestamptz not null default now()
);
