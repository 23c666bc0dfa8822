-- Finding jobs (GET /console/api/jobs): by state and time, by correlation id, and by any text of
-- the payload or the error, kept fast at a million rows. The text search is a trigram index
-- (pg_trgm, shipped with Postgres and loaded by the embedded database), so `ilike '%…%'` needs no
-- scan of the table.
create extension if not exists pg_trgm;

create index jobs_created_idx on jobs (created_at desc);
create index jobs_status_created_idx on jobs (status, created_at desc);
create index jobs_correlation_idx on jobs (correlation_id);
create index jobs_text_trgm_idx on jobs using gin ((payload::text || ' ' || coalesce(error, '')) gin_trgm_ops);
