/**
 * Platform auth: users and roles, password hashing, login throttling, page sessions with CSRF
 * tokens, API bearer tokens. Transport-free: the HTTP layer reads cookies and headers and calls these.
 */
export * from './csrf.ts';
export * from './login.ts';
export * from './passwords.ts';
export * from './secrets.ts';
export * from './sessions.ts';
export * from './throttle.ts';
export * from './tokens.ts';
export * from './users.ts';
export * from './services.ts';
