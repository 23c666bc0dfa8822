-- Imports: imports.items loses its (category, sku) index. Keeping it up to date cost more than
-- half of an import's time (measured on 1M rows: 2.9 s to insert them with it, 1.7 s without),
-- and it did little for the one query that used it: a category holds a sizeable share of the
-- items (a handful of categories), so GET /imports/api/items?category= walks the primary key in
-- sku order and counts its matches either way (82 ms with the index, 102 ms without, at 1M items).
drop index if exists imports.items_category_idx;
