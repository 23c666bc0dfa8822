import { describe, expect, it } from 'vitest';
import { buildManifest, mountPath } from '../../shared/runtime/manifest.ts';
import { notesModules } from '../helpers/notes.ts';

/** The Notes app's shape in the manifest: what is mounted where, and who may call it. */
const manifest = buildManifest(await notesModules());
const routes = new Map(
  manifest.http.map((entry) => [`${entry.definition.method} ${mountPath(entry)}`, entry.definition]),
);

describe('Notes routes', () => {
  it('mounts the API and the pages under /notes', () => {
    expect([...routes.keys()].sort()).toEqual(
      [
        'GET /notes/',
        'GET /notes/api/tasks',
        'POST /notes/api/tasks',
        'GET /notes/api/tasks/:id',
        'PATCH /notes/api/tasks/:id',
        'DELETE /notes/api/tasks/:id',
        'GET /notes/api/stats',
        'GET /notes/api/stats/me',
        'POST /notes/api/jobs/task-report',
        'GET /notes/api/jobs/task-report/:ownerId',
        'POST /notes/items',
        'GET /notes/items/:id',
        'GET /notes/items/:id/edit',
        'POST /notes/items/:id/edit',
        'POST /notes/items/:id/toggle',
        'POST /notes/items/:id/delete',
        'POST /notes/report',
        'GET /notes/report-panel',
        'GET /notes/stats-panel',
      ].sort(),
    );
  });

  it('needs a signed-in user everywhere, and an admin for the multi-owner statistics', () => {
    for (const [route, definition] of routes) {
      const expected = route === 'GET /notes/api/stats' ? 'admin' : 'user';
      expect(definition.auth, route).toBe(expected);
    }
  });

  it('keeps the pages out of the OpenAPI document and the API in it', () => {
    for (const [route, definition] of routes) {
      expect(definition.hidden ?? false, route).toBe(!route.includes('/api/'));
    }
  });

  it('has the report task and its analytics sink', () => {
    expect(manifest.tasks.map((t) => [t.name, t.definition.consumes])).toEqual([
      ['sync-report-analytics', ['notes_report_finished']],
      ['task-report', ['notes_task_report']],
    ]);
  });
});
