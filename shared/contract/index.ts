export { defineHttp } from './http.ts';
export type { HttpDefinition, HttpRequest, HttpMethod, FlashMessage, AuthUser, Access } from './http.ts';
export { defineTask } from './task.ts';
export type { TaskDefinition } from './task.ts';
export { defineSchedule } from './schedule.ts';
export { defineApp, appMount, appUrl, PLATFORM_APP } from './app.ts';
export type { AppModule, AppOptions, AppPath, NavEntry, SettingsSource } from './app.ts';
export { cronSetting } from './cron-setting.ts';
export type { ScheduleDefinition } from './schedule.ts';
export type {
  HttpCtx,
  TaskCtx,
  BaseCtx,
  AuthCtx,
  Job,
  JobStatus,
  Jobs,
  Publisher,
  MessageInfo,
} from './context.ts';
export { json, html, redirect } from '../http/responses.ts';
export { accepted, jobAcceptedResponses, jobAcceptedSchema, type JobAccepted } from '../http/job-accepted.ts';

import type { HttpDefinition } from './http.ts';
import type { ScheduleDefinition } from './schedule.ts';
import type { TaskDefinition } from './task.ts';
export type FunctionDefinition = HttpDefinition | TaskDefinition | ScheduleDefinition;
