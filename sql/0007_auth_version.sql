-- A per-user version that every session and API token carries: promotion, demotion, a password
-- change and "sign out everywhere" raise it, and whatever was issued before stops working at once
-- (shared/auth/users.ts, shared/http/request-auth.ts).
alter table auth.users add column auth_version integer not null default 1;
alter table auth.sessions add column auth_version integer not null default 1;
-- Anonymous forms now carry a signed CSRF cookie instead of a session row: drop the rows left.
delete from auth.sessions where user_id is null;
