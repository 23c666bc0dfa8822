-- Throttling keeps more than failed logins now: sign-ups per client, and account-wide slow-downs.
-- One sliding log for all of them (shared/auth/throttle.ts), keyed by what is counted:
-- 'login:<email>|<client>', 'login-client:<client>', 'login-account:<email>', 'signup:<client>'.
alter table auth.login_failures rename to throttle_log;
alter table auth.throttle_log rename column failed_at to at;
alter index auth.login_failures_key_idx rename to throttle_log_key_idx;
-- Rows of the old keys ('user:…', 'ip:…') mean nothing to the new rules.
delete from auth.throttle_log;
