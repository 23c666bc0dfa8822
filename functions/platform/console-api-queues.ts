import { defineHttp } from '../../shared/contract/index.ts';
import listQueues from './list-queues.ts';

/** `GET /queues` under the console's API, beside the job search; the old path keeps working. */
export default defineHttp({ ...listQueues, path: '/console/api/queues' });
