import imports from '../app.ts';

/** Where the app's pages live (mounted under /imports). */
export const PAGE_PATH = imports.url();
export const HISTORY_PANEL_PATH = imports.url('/history-panel');
export const importPath = (id: string): string => imports.url(`/runs/${id}`);
export const importProgressPath = (id: string): string => imports.url(`/runs/${id}/progress`);
export const failedRowsCsvPath = (id: string): string => imports.url(`/runs/${id}/failed-rows.csv`);
