import { describe, expect, it } from 'vitest';
import { taskCreateSchema, taskListQuerySchema, taskUpdateSchema } from '../../functions/notes/lib/model.ts';
import { completionRate } from '../../functions/notes/lib/stats-store.ts';

/** The Notes input schemas: limits as in sql/0004_notes.sql, unknown fields stripped, blanks absent. */
describe('taskCreateSchema', () => {
  it('trims, fills defaults and drops fields nobody may set', () => {
    expect(
      taskCreateSchema.parse({
        title: '  Buy milk ',
        id: 'x',
        owner_id: 'y',
        role: 'admin',
        created_at: '2000-01-01',
        _csrf: 'token',
      }),
    ).toEqual({ title: 'Buy milk', description: '', status: 'todo' });
  });

  it('takes a blank status from a form as the default', () => {
    expect(taskCreateSchema.parse({ title: 't', status: '' }).status).toBe('todo');
  });

  it.each([
    [{ title: '' }, 'title'],
    [{ title: '   ' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ title: 't', description: 'x'.repeat(2001) }, 'description'],
    [{ title: 't', status: 'archived' }, 'status'],
    [{ title: 't', status: "todo' or '1'='1" }, 'status'],
    [{}, 'title'],
  ])('refuses %j (%s)', (input, field) => {
    const result = taskCreateSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('accepts the limits themselves', () => {
    expect(
      taskCreateSchema.safeParse({ title: 'x'.repeat(200), description: 'y'.repeat(2000) }).success,
    ).toBe(true);
  });
});

describe('taskUpdateSchema', () => {
  it('keeps only the fields given, and an empty description (clearing it)', () => {
    expect(taskUpdateSchema.parse({ description: '', owner_id: 'x' })).toEqual({ description: '' });
    expect(taskUpdateSchema.parse({ status: 'done' })).toEqual({ status: 'done' });
  });

  it('refuses a change with nothing to change (only unknown fields)', () => {
    expect(taskUpdateSchema.safeParse({ owner_id: 'x', role: 'admin' }).success).toBe(false);
    expect(taskUpdateSchema.safeParse({}).success).toBe(false);
  });
});

describe('taskListQuerySchema', () => {
  it('defaults to the first 20 of every status', () => {
    expect(taskListQuerySchema.parse({})).toEqual({ limit: 20, offset: 0 });
  });

  it('reads a query string', () => {
    expect(taskListQuerySchema.parse({ status: 'done', limit: '5', offset: '10' })).toEqual({
      status: 'done',
      limit: 5,
      offset: 10,
    });
  });

  it.each([{ limit: '0' }, { limit: '101' }, { offset: '-1' }, { offset: '1.5' }, { owner_id: 'nope' }])(
    'refuses %j',
    (query) => {
      expect(taskListQuerySchema.safeParse(query).success).toBe(false);
    },
  );
});

describe('completionRate', () => {
  it('is done / total rounded to 4 decimals, 0 without tasks', () => {
    expect(completionRate(0, 0)).toBe(0);
    expect(completionRate(1, 3)).toBe(0.3333);
    expect(completionRate(2, 3)).toBe(0.6667);
    expect(completionRate(4, 4)).toBe(1);
  });
});
