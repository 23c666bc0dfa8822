import { jobAcceptedResponses } from '../../../shared/contract/index.ts';

/** OpenAPI responses of GradCafe's job triggers: the platform's, plus the browser form's 303. */
export const triggerResponses = {
  ...jobAcceptedResponses(),
  303: { description: 'Browser form post: back to the page with a flash message' },
};
