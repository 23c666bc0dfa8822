import { defineHttp } from '../../shared/contract/index.ts';
import listDeadLetters from './list-dead-letters.ts';

/** `GET /queues/:queue/dead-letters` under the console's API, beside the job search; the old path keeps working. */
export default defineHttp({ ...listDeadLetters, path: '/console/api/queues/:queue/dead-letters' });
