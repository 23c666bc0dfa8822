-- GradCafe shows everyone the standard question (the latest term, the default program); an
-- admin's question about another term or program is shown to whoever opens its link
-- (/gradcafe/?job=…) and no longer replaces what every visitor sees.
alter table gradcafe.analysis_snapshots add column is_default boolean not null default true;
create index analysis_snapshots_default_idx on gradcafe.analysis_snapshots (computed_at desc) where is_default;
create index analysis_snapshots_job_idx on gradcafe.analysis_snapshots (job_id) where job_id is not null;
