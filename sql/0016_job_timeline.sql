-- A job's story for the console's job page: every attempt (start, end, outcome, error, the delay
-- before the next one) and every operator action on it, in order, plus the log lines its task
-- wrote. Both live on the job row, written by the statements that already move its state, so
-- keeping them costs no extra round trip; both are bounded (see shared/runtime/job-story.ts).
alter table jobs add column timeline jsonb not null default '[]'::jsonb;
alter table jobs add column log_lines jsonb not null default '[]'::jsonb;

-- An operator may cancel a job that has not run yet.
alter table jobs drop constraint jobs_status_check;
alter table jobs add constraint jobs_status_check
  check (status in ('queued', 'running', 'retrying', 'succeeded', 'failed', 'dead', 'cancelled'));

-- What operators did from the console: who, when, what, to how many.
create table console_actions (
  id      bigint generated always as identity primary key,
  at      timestamptz not null default now(),
  actor   text not null,
  action  text not null,
  target  text not null,
  count   integer not null,
  detail  text
);

create index console_actions_at_idx on console_actions (at desc);

-- The console's "last hour" figures read the jobs that changed in it.
create index jobs_updated_idx on jobs (updated_at desc);
