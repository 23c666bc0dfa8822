import type { AuthUser } from '../../../shared/contract/index.ts';
import { ForbiddenError } from '../../../shared/errors.ts';
import type { OwnerScope } from './tasks-store.ts';

/**
 * Who may see and change what: owners their own tasks and reports, admins anyone's.
 *
 * @example
 *   findTask(db, id, taskScope(req.user)); // an owner's id, or null for an admin
 *   assertMayAccessOwner(req.user, body.owner_id); // ForbiddenError for another user's id
 */
export function isAdmin(user: AuthUser): boolean {
  return user.role === 'admin';
}

/** The scope of reads and writes by task id: admins reach every owner's tasks. */
export function taskScope(user: AuthUser): OwnerScope {
  return isAdmin(user) ? null : user.id;
}

/**
 * Whose data a request about `ownerId` (default: the caller) may touch. Refusing with 403 says
 * nothing about whether that account exists: the answer is the same for any id but one's own.
 */
export function assertMayAccessOwner(user: AuthUser, ownerId: string | undefined): string {
  const owner = ownerId ?? user.id;
  if (owner !== user.id && !isAdmin(user)) {
    throw new ForbiddenError("Only admins may see or report on another owner's tasks");
  }
  return owner;
}
