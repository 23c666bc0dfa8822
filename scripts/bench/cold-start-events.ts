import { randomUUID } from 'node:crypto';
import type { HttpDefinition } from '../../shared/contract/http.ts';
import { sqsQueueNames } from '../../shared/queue/sqs/names.ts';
import { mountPath, queueName, type FunctionEntry, type Manifest } from '../../shared/runtime/manifest.ts';
import { ASSETS_ID, MIGRATE_ID, OUTBOX_SWEEP_ID } from '../lambda/build/entries.ts';
import { envelopeBody, httpEvent, scheduledEvent, sqsEvent } from '../lambda/events.ts';
import { httpApiPath } from '../lambda/sam/routes.ts';

/**
 * The one realistic first event each bundle of the cold-start bench is invoked with, as AWS
 * would deliver it: an API Gateway request for its route, an SQS batch of one message for a
 * task, an EventBridge tick for a schedule. A factory per bundle, called once per run, so each
 * fresh process gets new ids (a task message seen before would be skipped by the inbox) and a
 * token of the admin's current auth version (a "sign out everywhere" run revokes the ones before).
 *
 * @example
 *   const next = firstEventFactory('platform-get-job', manifest, 'bench3f9a1c2e.', admin);
 *   await next(); // httpEvent GET /jobs/<random uuid>, routeKey 'GET /jobs/{id}'
 */
export type EventFactory = () => Promise<unknown>;

/**
 * Payloads that pass each task's schema; a kind not listed gets `{}`. A payload its schema
 * refuses is fine too (the record is dead-lettered): it is the cold start that is measured.
 */
const taskPayload = (kind: string, admin: BenchAdmin): unknown =>
  ({
    platform_prune: {},
    // From the stored watermark: on the bench's empty database, the feed emulator's first page.
    scrape_new_data: {},
    recompute_analytics: { term: 'Fall 2026' },
    notes_task_report: { ownerId: admin.userId },
    notes_report_finished: { ownerId: admin.userId },
  })[kind] ?? {};

/** An admin of the bench database: HTTP events carry its token, so every route does its real work. */
export interface BenchAdmin {
  userId: string;
  /** A token the bundles accept now (issued for the admin's auth version of the moment). */
  token(): Promise<string>;
}

export function firstEventFactory(
  id: string,
  manifest: Manifest,
  queuePrefix: string,
  admin: BenchAdmin,
): EventFactory {
  if (id === MIGRATE_ID) return async () => ({});
  if (id === ASSETS_ID) return async () => httpEvent({ method: 'GET', path: '/openapi.json' });
  const http = manifest.http.find((entry) => entry.id === id);
  if (http) return async () => routeEvent(http, manifest, await admin.token());
  const task = manifest.tasks.find((entry) => entry.id === id);
  if (task) {
    const kind = task.definition.consumes[0]!;
    const queue = sqsQueueNames(queuePrefix).main(queueName(task));
    return async () => sqsEvent([{ body: envelopeBody(kind, taskPayload(kind, admin)), queue }]);
  }
  // The outbox sweeper is ticked by EventBridge like a schedule, though the build adds it.
  if (id === OUTBOX_SWEEP_ID || manifest.schedules.some((entry) => entry.id === id)) {
    return async () => scheduledEvent({ rule: `${id}-rule` });
  }
  throw new Error(`no first event known for the bundle '${id}': not in the manifest`);
}

/**
 * A request to the function's own route through an HTTP API route (`GET /jobs/{id}`), with
 * plausible path parameters; a POST (any method but GET) gets an empty JSON object as its body.
 */
function routeEvent(entry: FunctionEntry<HttpDefinition>, manifest: Manifest, token: string) {
  const route = mountPath(entry);
  const pathParameters: Record<string, string> = {};
  const path = route.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    pathParameters[name] = sampleParam(name, manifest);
    return encodeURIComponent(pathParameters[name]);
  });
  const { method } = entry.definition;
  return httpEvent({
    method,
    path,
    routeKey: `${method} ${httpApiPath(route)}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(method === 'GET' ? {} : { body: '{}' }),
  });
}

function sampleParam(name: string, manifest: Manifest): string {
  if (name === 'id') return randomUUID();
  // A real queue, so a queue admin route answers from the emulator rather than with a 404.
  if (name === 'queue') {
    const [first] = manifest.tasks;
    if (first) return queueName(first);
  }
  return 'sample';
}
