/** What the Notes pages add to the platform stylesheet (same custom properties, light and dark). */
export const notesCss = `
.btn-small { padding: .25rem .65rem; font-size: .85rem; }
.btn-danger { color: var(--err-text); }
.task-list { list-style: none; margin: 0; padding: 0; }
.task { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-start; padding: .75rem 0; border-bottom: 1px solid var(--border); }
.task:last-child { border-bottom: 0; }
.task .body { flex: 1 1 20rem; min-width: 0; }
.task .title { font-weight: 600; overflow-wrap: anywhere; }
.task.done .title { text-decoration: line-through; color: var(--muted); }
.task .description { margin: .2rem 0 0; color: var(--muted); white-space: pre-wrap; overflow-wrap: anywhere; }
.task .meta { font-size: .8rem; color: var(--muted); }
.task form { margin: 0; }
.task-edit { display: grid; gap: .5rem; flex: 1 1 100%; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: .75rem; }
.filters a { text-decoration: none; padding: .15rem .7rem; border-radius: 999px; border: 1px solid var(--border); color: var(--muted); }
.filters a[aria-current='true'] { border-color: var(--accent); color: var(--text); font-weight: 600; }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: .75rem; font-size: .9rem; }
textarea { font: inherit; padding: .4rem .55rem; border-radius: 6px; border: 1px solid var(--border); background: var(--surface); color: var(--text); min-height: 4rem; resize: vertical; }
.badge-todo { background: var(--info-bg); color: var(--info-text); }
.badge-in_progress { background: var(--warn-bg); color: var(--warn-text); }
.badge-done { background: var(--ok-bg); color: var(--ok-text); }
.htmx-request .btn { opacity: .6; }
`;
