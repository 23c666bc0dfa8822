-- Who triggered a job: the signed-in user of the request (null for a schedule tick, a task, or an
-- anonymous trigger). GET /jobs/:id answers that user and admins; a deleted account leaves its
-- jobs to admins.
alter table jobs add column triggered_by uuid references auth.users (id) on delete set null;
