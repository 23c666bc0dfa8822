-- Imports app: a supplier's daily items file loaded into imports.items. Each file is one import
-- (imports.imports); rows that cannot be loaded are kept in imports.failed_rows with the reason.
-- While an import runs, its rows wait in two staging tables of its own (imports.stage_<id>,
-- imports.stage_<id>_failed, created and dropped by the importer): a crash leaves nothing of
-- the import in items or failed_rows, and a re-run resumes from the staged rows.

create schema if not exists imports;

create table imports.items (
  -- Byte order ("C"): skus are ASCII codes, and the import's joins and index stay cheap.
  sku        text collate "C" primary key check (char_length(sku) between 1 and 64),
  name       text not null,
  category   text not null,
  price      numeric(12, 2) not null check (price >= 0),
  quantity   integer not null check (quantity >= 0),
  -- The supplier's time for the row: a row with an older one than stored is ignored.
  updated_at timestamptz not null,
  -- The import that last wrote the row.
  import_id  bigint not null,
  loaded_at  timestamptz not null default now()
);

create index items_category_idx on imports.items (category, sku);

create table imports.imports (
  id           bigint generated always as identity primary key,
  file_name    text not null,
  -- inbox (a file dropped in IMPORTS_INBOX_DIR or the bucket's inbox/), upload (the page or the API)
  source       text not null check (source in ('inbox', 'upload', 's3')),
  -- Where the file is kept while and after it is imported (in the imports file store).
  object_key   text not null,
  checksum     text not null check (checksum ~ '^[0-9a-f]{64}$'),
  size_bytes   bigint not null check (size_bytes >= 0),
  status       text not null default 'queued'
               check (status in ('queued', 'running', 'loaded', 'failed', 'duplicate')),
  -- For status duplicate: the import that already loaded the same bytes.
  duplicate_of bigint references imports.imports (id),
  job_id       uuid,
  -- Progress while running, totals once loaded.
  bytes_read   bigint not null default 0,
  rows_read    integer not null default 0,
  rows_total   integer,
  rows_loaded  integer,
  rows_stale   integer,
  rows_failed  integer,
  -- Resumable cursor: the next byte and line of the file to stage, and what is staged so far.
  resume       jsonb,
  -- A running import holds a lease it renews; a crashed one is taken over once it expires.
  lease_until  timestamptz,
  error        text,
  created_at   timestamptz not null default now(),
  started_at   timestamptz,
  finished_at  timestamptz
);

-- The same bytes are loaded once: a second file with a checksum that is queued, running or
-- loaded is recorded as a duplicate instead (a failed import may be tried again).
create unique index imports_checksum_once on imports.imports (checksum)
  where status in ('queued', 'running', 'loaded');
create index imports_created_idx on imports.imports (created_at desc, id desc);

create table imports.failed_rows (
  import_id   bigint not null references imports.imports (id) on delete cascade,
  line_number integer not null,
  raw_line    text not null,
  -- A stable code to filter on (price_precision, duplicate_sku, ...), and the exact reason.
  rule        text not null,
  reason      text not null,
  column_name text,
  primary key (import_id, line_number)
);

create index failed_rows_rule_idx on imports.failed_rows (import_id, rule, line_number);
