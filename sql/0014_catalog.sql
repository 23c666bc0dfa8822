-- Catalog gallery service: a replica of the admin service's products, built only from its events,
-- and the likes of signed-in users. Nothing here reads the admin tables (schema `catalog_admin`).

create schema if not exists catalog;

create table catalog.products (
  id         integer primary key,
  title      text not null,
  image      text not null,
  -- The version of the last event applied: an event with a version at or below it is stale or a
  -- duplicate and is ignored, so events may arrive in any order and any number of times.
  version    integer not null,
  -- A delete is a tombstone, not a missing row: a late update (a lower version) cannot bring the
  -- product back.
  deleted    boolean not null default false,
  updated_at timestamptz not null default now()
);

create index catalog_products_live on catalog.products (id) where not deleted;

-- One like per user and product: the unique key is what makes 20 concurrent clicks one like.
create table catalog.likes (
  id         uuid primary key,
  product_id integer not null,
  user_id    uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  unique (product_id, user_id)
);
