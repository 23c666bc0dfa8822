import type { Logger } from 'pino';

/** Values the platform middleware stores on each Hono context (`c.get('correlationId')`). */
export interface HttpEnv {
  Variables: {
    correlationId: string;
    /** Child logger carrying the correlation id and route; set once a route handles the request. */
    log: Logger;
  };
}
