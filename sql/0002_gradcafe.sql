-- GradCafe app: applicants ingested from the feed, the ingestion watermark, analysis
-- snapshots and the state of the bundled feed emulator. Everything lives in its own schema.
-- Check constraints mirror functions/gradcafe/lib/model.ts; the normalizer only produces
-- values that pass them, so one messy entry can never fail a batch insert.

create schema if not exists gradcafe;

create table gradcafe.applicants (
  -- GradCafe's own entry id (from the result url); increases over time.
  id                  bigint primary key,
  url                 text not null unique,
  program             text,
  university          text,
  degree              text check (degree in ('Masters', 'PhD', 'MFA', 'MBA', 'JD', 'EdD', 'PsyD', 'Other')),
  term                text,
  status              text check (status in ('Accepted', 'Rejected', 'Wait listed', 'Interview', 'Other')),
  decision_date       date,
  date_added          date,
  us_or_international text check (us_or_international in ('American', 'International', 'Other')),
  gpa                 numeric(3, 2) check (gpa > 0 and gpa <= 4),
  gre                 smallint check (gre between 130 and 170),
  gre_v               smallint check (gre_v between 130 and 170),
  gre_aw              numeric(2, 1) check (gre_aw between 0 and 6),
  comments            text,
  ingested_at         timestamptz not null default now()
);

-- The API lists newest first, filtered by term / status / degree.
create index applicants_term_idx on gradcafe.applicants (term, id desc);
create index applicants_status_idx on gradcafe.applicants (status, id desc);
create index applicants_degree_idx on gradcafe.applicants (degree, id desc);

-- How far each source has been read: last_seen is the highest entry id taken from it.
create table gradcafe.ingestion_watermarks (
  source     text primary key,
  last_seen  bigint not null,
  updated_at timestamptz not null default now()
);

create table gradcafe.analysis_snapshots (
  id          bigint generated always as identity primary key,
  computed_at timestamptz not null default now(),
  -- The question parameters used (term, university, program, degree).
  params      jsonb not null,
  results     jsonb not null,
  -- The job that computed it, when it ran as a task.
  job_id      uuid
);

create index analysis_snapshots_computed_at_idx on gradcafe.analysis_snapshots (computed_at desc);

-- One row: when the local feed emulator started and how many entries were released by hand,
-- so released entries survive restarts.
create table gradcafe.feed_emulator (
  id                 smallint primary key default 1 check (id = 1),
  started_at         timestamptz not null default now(),
  released_on_demand integer not null default 0 check (released_on_demand >= 0)
);
