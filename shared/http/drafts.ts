/**
 * A few lines of browser script, served at `/static/drafts.js` and loaded by every page: what was
 * typed in a `form[data-keep-draft]` is kept when its htmx request meets an ended session (the
 * answer's HX-Redirect goes to the sign-in page), and put back when the user comes back to the
 * page after signing in. Kept in sessionStorage (this tab only), and never a password. A file of
 * its own, not inline: the Content-Security-Policy allows scripts from this site only.
 */
export const DRAFTS_PATH = '/static/drafts.js';

export const DRAFTS_JS = `(function () {
  'use strict';
  var PREFIX = 'fnstack:draft:';
  function keyOf(form) {
    return PREFIX + location.pathname + '#' + form.id;
  }
  document.addEventListener('htmx:beforeOnLoad', function (event) {
    var xhr = event.detail.xhr;
    var elt = event.detail.elt;
    if (!xhr || !xhr.getResponseHeader('HX-Redirect') || !elt || !elt.closest) return;
    var form = elt.closest('form[data-keep-draft]');
    if (!form || !form.id) return;
    var fields = {};
    form.querySelectorAll('input[name], textarea[name], select[name]').forEach(function (field) {
      if (field.type === 'hidden' || field.type === 'password' || field.type === 'file') return;
      fields[field.name] = field.value;
    });
    try {
      sessionStorage.setItem(keyOf(form), JSON.stringify(fields));
    } catch (e) {
      // Storage full or refused: the draft is lost, as it would have been without this script.
    }
  });
  function restore() {
    document.querySelectorAll('form[data-keep-draft]').forEach(function (form) {
      var saved = null;
      try {
        saved = sessionStorage.getItem(keyOf(form));
        sessionStorage.removeItem(keyOf(form));
      } catch (e) {
        return;
      }
      if (!saved) return;
      var fields = JSON.parse(saved);
      Object.keys(fields).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && 'value' in field) field.value = fields[name];
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', restore);
  else restore();
})();
`;
