/**
 * The platform's page stylesheet, inlined by <Layout> so pages need no asset route (they
 * render the same under the runner and on Lambda). Plain CSS with custom properties;
 * follows the user's light/dark preference.
 */
export const baseCss = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --surface: #ffffff; --text: #1c2430; --muted: #5b6777; --border: #dde2e8;
  --accent: #2f5bd3; --accent-text: #ffffff; --accent-hover: #244bb5;
  --ok-bg: #e7f6ec; --ok-text: #1d6b37; --err-bg: #fdeceb; --err-text: #a12a22;
  --info-bg: #e8f0fd; --info-text: #234a9c; --warn-bg: #fff4db; --warn-text: #805b00;
  --radius: 10px; --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 10%);
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #11151b; --surface: #1a2029; --text: #e6eaf0; --muted: #9aa6b5; --border: #2c3440;
    --accent: #6d8ff0; --accent-text: #0d1117; --accent-hover: #87a3f4;
    --ok-bg: #16321f; --ok-text: #8bd9a3; --err-bg: #3a1a18; --err-text: #f3a39c;
    --info-bg: #18274a; --info-text: #a9c1f7; --warn-bg: #3a2f12; --warn-text: #f1cf7a;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
.skip-link { position: absolute; left: -999px; }
.skip-link:focus { left: 1rem; top: 1rem; background: var(--surface); padding: .5rem 1rem; z-index: 10; }
.site-header { background: var(--surface); border-bottom: 1px solid var(--border); }
/* At phone width the account moves under the brand and navigation rather than off the screen. */
.site-header .inner { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 1.5rem; row-gap: .5rem; padding: .9rem 1.25rem; max-width: 72rem; margin: 0 auto; }
.site-header .brand { font-weight: 700; color: var(--text); text-decoration: none; }
.site-header nav { display: flex; flex-wrap: wrap; row-gap: .35rem; }
.site-header nav a { color: var(--muted); text-decoration: none; margin-right: 1rem; }
.site-header nav a[aria-current='page'] { color: var(--text); font-weight: 600; }
.site-header .account { margin-left: auto; display: flex; align-items: baseline; gap: .75rem; min-width: 0; }
.site-header .account a { overflow-wrap: anywhere; }
.site-header .account form { margin: 0; }
.btn-link { border: none; background: none; padding: 0; color: var(--accent); font-weight: 600; white-space: nowrap; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
.nowrap { white-space: nowrap; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1.25rem; margin-bottom: 1.25rem; }
.page-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: flex-end; gap: 1rem; margin-bottom: 1.25rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.actions form { margin: 0; }
.btn { font: inherit; font-weight: 600; border-radius: 8px; padding: .5rem 1rem; cursor: pointer; border: 1px solid var(--border); background: var(--surface); color: var(--text); }
.btn:hover { border-color: var(--accent); }
a.btn { display: inline-block; text-decoration: none; }
.btn:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.btn-primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
.btn-primary:hover { background: var(--accent-hover); }
.flash-area { display: grid; gap: .5rem; margin-bottom: 1rem; }
.flash { border-radius: 8px; padding: .65rem 1rem; border: 1px solid transparent; }
.flash-success { background: var(--ok-bg); color: var(--ok-text); }
.flash-error { background: var(--err-bg); color: var(--err-text); }
.flash-info { background: var(--info-bg); color: var(--info-text); }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(13rem, 100%), 1fr)); gap: .75rem; margin: 0; }
.stat { border: 1px solid var(--border); border-radius: 8px; padding: .8rem 1rem; margin: 0; }
.stat dt { color: var(--muted); font-size: .85rem; }
.stat dd { margin: .2rem 0 0; font-size: 1.5rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat dd small { font-size: .8rem; font-weight: 400; color: var(--muted); }
/* A table wider than its card scrolls inside it (TableScroll), never the page. */
.table-scroll { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; color: var(--muted); font-size: .875rem; padding-bottom: .5rem; }
table.data th, table.data td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--border); vertical-align: top; }
table.data thead th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
table.data tbody th { font-weight: 500; }
table.data td.num, table.data th.num { text-align: right; }
.badge { display: inline-block; border-radius: 999px; padding: .05rem .6rem; font-size: .8rem; font-weight: 600; background: var(--info-bg); color: var(--info-text); }
.badge-succeeded { background: var(--ok-bg); color: var(--ok-text); }
.badge-failed, .badge-dead { background: var(--err-bg); color: var(--err-text); }
.badge-queued, .badge-running, .badge-retrying { background: var(--warn-bg); color: var(--warn-text); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge-cancelled { background: var(--border); color: var(--muted); }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap: 1.25rem; align-items: start; margin-bottom: 1.25rem; }
.grid-2 > .card { margin-bottom: 0; min-width: 0; }
.form-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(11rem, 100%), 1fr)); gap: .75rem; margin: .75rem 0; }
label { display: grid; gap: .2rem; font-size: .875rem; color: var(--muted); }
input, select { font: inherit; padding: .4rem .55rem; border-radius: 6px; border: 1px solid var(--border); background: var(--surface); color: var(--text); }
details summary { cursor: pointer; color: var(--muted); }
.bar-chart { display: block; max-width: 40rem; margin: .25rem 0 1rem; font-size: 14px; }
.bar-chart rect { fill: var(--accent); }
.bar-chart text { fill: var(--text); }
.bar-chart .label { fill: var(--muted); }
.sparkline { vertical-align: middle; }
.sparkline rect { fill: var(--ok-text); }
.sparkline.bad rect { fill: var(--err-text); }
.sparkline line { stroke: var(--border); }
.pager { display: flex; gap: 1rem; align-items: baseline; margin-top: .75rem; }
.empty { padding: 1.5rem; text-align: center; color: var(--muted); }
/* The sign-in, sign-up and account forms: one narrow column. */
.auth-card { max-width: 26rem; margin: 2rem auto 1.25rem; }
.auth-card h1, .auth-card h2 { margin-top: 0; }
.auth-card form { display: grid; gap: .9rem; }
.auth-card input { width: 100%; }
.auth-card .btn { justify-self: start; margin-top: .25rem; }
/* htmx's request indicators (its own injected style element is off: see HTMX_CONFIG). */
.htmx-indicator { opacity: 0; }
.htmx-request .htmx-indicator, .htmx-request.htmx-indicator { opacity: 1; transition: opacity 200ms ease-in; }
`;
