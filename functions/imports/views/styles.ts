/** The Imports pages' few extra styles (status badges, the progress bar, raw lines, the pager). */
export const importsCss = `
.badge-loaded { background: var(--ok-bg); color: var(--ok-text); }
.badge-duplicate { background: var(--info-bg); color: var(--info-text); }
progress.import-progress { width: 100%; max-width: 14rem; height: .8rem; vertical-align: middle; }
.raw-line { font-family: ui-monospace, monospace; font-size: .8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.rules { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: .5rem 0 1rem; }
.upload-form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.upload-form input[type='file'] { max-width: 100%; }
`;
