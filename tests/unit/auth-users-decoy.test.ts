import type * as NodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Queryable, QueryResult } from '../../shared/db/port.ts';

// Count scrypt runs: the point is that an unknown email costs one, like a wrong password.
const scryptRuns = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof NodeCrypto>();
  const scrypt = ((...args: Parameters<typeof crypto.scrypt>) => {
    scryptRuns.count++;
    return crypto.scrypt(...args);
  }) as typeof crypto.scrypt;
  return { ...crypto, default: { ...crypto, scrypt }, scrypt };
});

const { hashPassword } = await import('../../shared/auth/passwords.ts');
const { createUsers } = await import('../../shared/auth/users.ts');

const FAST = { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 };

/** A database holding one user, answering the lookup by email and nothing else. */
function dbWith(row: Record<string, unknown>): Queryable {
  return {
    async query<Row>(_sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      const rows = params?.[0] === row.email ? [row as Row] : [];
      return { rows, rowCount: rows.length };
    },
    copyFrom: () => Promise.reject(new Error('not used')),
    copyFromCsv: () => Promise.reject(new Error('not used')),
  };
}

describe('authenticate without a matching account', () => {
  it('runs scrypt once for an unknown email, as for a known one with a wrong password', async () => {
    const row = {
      id: '5b8e5a3c-7d0e-4a51-9b0c-3f1e2d4c5b6a',
      email: 'ann@example.com',
      role: 'user',
      created_at: new Date(),
      password_hash: await hashPassword('the right password', FAST),
    };
    const users = createUsers(dbWith(row), { passwordParams: FAST });

    scryptRuns.count = 0;
    expect(await users.authenticate('ann@example.com', 'a wrong password')).toBeUndefined();
    expect(scryptRuns.count).toBe(1);

    scryptRuns.count = 0;
    expect(await users.authenticate('nobody@example.com', 'a wrong password')).toBeUndefined();
    expect(scryptRuns.count).toBe(1);

    scryptRuns.count = 0;
    expect(await users.authenticate('ann@example.com', 'the right password')).toMatchObject({ id: row.id });
    expect(scryptRuns.count).toBe(1);
  });
});
