-- The transactional outbox: a message published inside a database transaction is written here in
-- that transaction, and sent by the relay once committed (shared/outbox). A rolled-back
-- transaction leaves nothing to send; a crash after the commit leaves the row for the relay.
create table outbox (
  id              bigint generated always as identity primary key,
  message_id      uuid not null,
  kind            text not null,
  envelope        jsonb not null,
  created_at      timestamptz not null default now(),
  -- Publish attempts that failed, when the next may run, and why the last failed.
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  -- Set once the broker confirmed the message; sent rows are pruned after a while.
  sent_at         timestamptz
);

-- The relay's claim: the pending rows that are due, oldest first.
create index outbox_pending on outbox (next_attempt_at, id) where sent_at is null;
create index outbox_sent on outbox (sent_at) where sent_at is not null;
