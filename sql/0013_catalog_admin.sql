-- Catalog admin service: the products, the one place they are edited. Every change bumps the
-- product's version and writes an event to the outbox in the same transaction, so the gallery's
-- replica (schema `catalog`) can apply them in order. Nothing here reads the replica.

create schema if not exists catalog_admin;

create table catalog_admin.products (
  id         integer generated always as identity primary key,
  title      text not null check (length(title) between 1 and 200),
  image      text not null check (image ~* '^https?://'),
  -- Distinct likes counted from product_liked events (catalog_admin.counted_likes).
  likes      integer not null default 0 check (likes >= 0),
  -- Bumped by every change; the product events carry it so the replica applies them in order.
  version    integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Every like id counted once: a product_liked event delivered twice adds one like.
create table catalog_admin.counted_likes (
  like_id    uuid primary key,
  product_id integer not null,
  counted_at timestamptz not null default now()
);
