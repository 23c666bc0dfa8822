import { defineHttp } from '../../shared/contract/index.ts';
import replayDeadLetters from './replay-dead-letters.ts';

/** `POST /queues/:queue/dead-letters/replay` under the console's API, beside the job search; the old path keeps working. */
export default defineHttp({ ...replayDeadLetters, path: '/console/api/queues/:queue/dead-letters/replay' });
