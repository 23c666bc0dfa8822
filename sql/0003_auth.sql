-- Platform auth: users, page sessions, failed logins (shared/auth/).
-- In a schema of its own, like each app's tables: these rows are credentials, so they are easy to
-- find, to grant on separately and to leave out of a data export, and app tables can never collide
-- with names as generic as `users` and `sessions`. Apps reference accounts as auth.users (id).

create schema if not exists auth;

create table auth.users (
  id            uuid primary key default gen_random_uuid(),
  -- Stored normalised (trimmed, lower-case) by shared/auth/users.ts; the check keeps it so.
  email         text not null check (email = lower(btrim(email)) and length(email) between 3 and 254),
  -- Self-describing scrypt hash: $scrypt$ln=17,r=8,p=1$<salt>$<hash>
  password_hash text not null check (password_hash like '$scrypt$%'),
  role          text not null default 'user' check (role in ('user', 'admin')),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

create unique index users_email_key on auth.users (lower(email));

-- One row per page session. The cookie holds a random token; only its SHA-256 (hex) is kept here.
-- The idle deadline is last_seen_at + SESSION_IDLE_S (config, so not stored); expires_at is the
-- absolute one. No index for the daily prune: it scans, which beats slowing every touch of
-- last_seen_at by keeping an index on it current.
create table auth.sessions (
  id           uuid primary key default gen_random_uuid(),
  token_hash   text not null unique,
  -- Null for an anonymous session (e.g. the login form's CSRF token).
  user_id      uuid references auth.users (id) on delete cascade,
  csrf_token   text not null,
  created_at   timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at   timestamptz not null
);

create index sessions_user_id_idx on auth.sessions (user_id);

-- Failed logins, one row per failure and throttle key ('user:<email>', 'ip:<address>'); rows older
-- than LOGIN_WINDOW_S no longer count and are deleted by the next failure of the key or the prune.
create table auth.login_failures (
  id        bigint generated always as identity primary key,
  key       text not null,
  failed_at timestamptz not null
);

create index login_failures_key_idx on auth.login_failures (key, failed_at);
