import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context,
  EventBridgeEvent,
  LambdaFunctionURLEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { APIGatewayProxyResult as HonoLambdaResult } from 'hono/aws-lambda';
import type { Topology } from '../queue/port.ts';
import type { DeploymentSummary } from '../runtime/deployment-summary.ts';

/**
 * What a bundle knows about the deployment it belongs to, fixed at build time (the build
 * inlines it into each bundle's entry, so a bundle never imports the whole manifest).
 */
export interface LambdaDeployment {
  /**
   * Every task queue of the manifest (`topologyOf(manifest)`): where each kind is published,
   * and the names the queue admin routes list. The queues themselves belong to the template.
   */
  topology: Topology;
  /** Its functions and schedules (crons as the template deploys them), for the console. */
  summary: DeploymentSummary;
}

/** API Gateway HTTP API (payload v2), REST API (v1) or a Lambda function URL. */
export type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent | LambdaFunctionURLEvent;
/** What Hono's adapter answers: status, headers (multi-value where needed), cookies, body. */
export type HttpResult = HonoLambdaResult;
export type ScheduledEvent = EventBridgeEvent<'Scheduled Event', unknown>;

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;
export type HttpLambda = LambdaHandler<HttpEvent, HttpResult>;
export type TaskLambda = LambdaHandler<SQSEvent, SQSBatchResponse>;
export type ScheduleLambda = LambdaHandler<
  ScheduledEvent,
  { jobId: string; messageId: string; kind: string }
>;

/** Files a bundle serves, read at build time and inlined (there is no node_modules on Lambda). */
export interface EmbeddedFile {
  contentType: string;
  /** base64 of the bytes. */
  base64: string;
}
