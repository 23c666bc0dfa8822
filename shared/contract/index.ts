export { defineHttp } from './http.ts';
export type { HttpDefinition, HttpRequest, HttpMethod, FlashMessage, AuthUser, Access } from './http.ts';
export { defineTask } from './task.ts';
export type { OwnTransactionsTaskCtx, TaskDefinition } from './task.ts';
export { defineSchedule } from './schedule.ts';
export { defineApp, appMount, appUrl, PLATFORM_APP } from './app.ts';
export type { AppModule, AppOptions, AppPath, NavEntry, SettingsSource } from './app.ts';
export { cronSetting } from './cron-setting.ts';
export type { ScheduleDefinition } from './schedule.ts';
export { nextRunOf } from './aws-cron.ts';
export type { LambdaOptions } from './lambda.ts';
export type {
  HttpCtx,
  TaskCtx,
  BaseCtx,
  AuthCtx,
  TaskAuthCtx,
  Job,
  JobStatus,
  JobDetail,
  JobEvent,
  JobLogLine,
  Jobs,
  Publisher,
  MessageInfo,
  SystemInfo,
  ScheduleState,
  Operator,
  OperatorAction,
  LastHour,
} from './context.ts';
export { json, html, navigate, redirect } from '../http/responses.ts';
export { accepted, jobAcceptedResponses, jobAcceptedSchema, type JobAccepted } from '../http/job-accepted.ts';
export { triggerJob, type JobTrigger } from '../http/trigger-job.ts';
export { multipartFile, type UploadedFile } from '../http/multipart.ts';
// Files an app keeps (an inbox, uploads): a folder or an S3 bucket, built from the app's settings.
export { createObjectStore, ObjectNotFoundError, ObjectTooLargeError } from '../storage/index.ts';
export type { ObjectStore, StoredObject } from '../storage/index.ts';
export type { AppGauge } from '../observability/app-gauges.ts';

import type { HttpDefinition } from './http.ts';
import type { ScheduleDefinition } from './schedule.ts';
import type { TaskDefinition } from './task.ts';
export type FunctionDefinition = HttpDefinition | TaskDefinition | ScheduleDefinition;
