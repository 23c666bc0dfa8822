import { inlineStyle } from '../../../shared/http/views/index.ts';

/** The console pages' own styles: search form, job timeline, JSON bodies, action buttons. */
export const ConsoleStyles = inlineStyle(`
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .75rem; }
.search label { min-width: 9rem; }
.error-cell { max-width: 28rem; overflow-wrap: anywhere; color: var(--err-text); }
.quiet { color: var(--muted); }
td form { margin: 0; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 1rem; border-left: 2px solid var(--border); }
.timeline li { position: relative; margin: 0 0 .9rem; padding-left: .6rem; }
.timeline li::before { content: ""; position: absolute; left: -1.45rem; top: .35rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--border); }
.timeline li.ok::before { background: var(--ok-text); }
.timeline li.bad::before { background: var(--err-text); }
.timeline .when { color: var(--muted); font-size: .85rem; }
.timeline .error { color: var(--err-text); overflow-wrap: anywhere; }
pre.json { margin: 0; padding: .75rem; max-height: 24rem; overflow: auto; background: var(--bg); border: 1px solid var(--border); border-radius: 8px; font-size: .85rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: .75rem; }
.actions form { margin: 0; }
.log-lines { list-style: none; margin: 0; padding: 0; }
.log-lines li { padding: .45rem 0; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
.log-lines .when { color: var(--muted); font-size: .8rem; }
.log-lines code { display: block; color: var(--muted); font-size: .8rem; margin-top: .2rem; }
.level-warn { color: var(--warn-text); }
.level-error, .level-fatal { color: var(--err-text); }
.dead-body summary { cursor: pointer; color: var(--accent); }
.dead-body pre.json { margin-top: .4rem; color: var(--text); }
td.pick { width: 2rem; }
`);
