import people from '../app.ts';

/** Where the app's page lives (mounted under /people). */
export const PAGE_PATH = people.url('/users/ui');
