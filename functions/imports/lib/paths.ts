/** Where the app's pages live (mounted under /imports). */
export const PAGE_PATH = '/imports/';
export const HISTORY_PANEL_PATH = '/imports/history-panel';
export const importPath = (id: string): string => `/imports/runs/${id}`;
export const importProgressPath = (id: string): string => `/imports/runs/${id}/progress`;
export const failedRowsCsvPath = (id: string): string => `/imports/runs/${id}/failed-rows.csv`;
