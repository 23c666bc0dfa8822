import { defineHttp, json } from '../../shared/contract/index.ts';
import { userSchema } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/users/me',
  summary: 'The signed-in user (bearer token or session)',
  auth: 'user',
  responses: { 200: { description: 'The user', schema: userSchema }, 401: { description: 'Not signed in' } },
  handler: ({ user }) => json({ id: user.id, email: user.email, role: user.role }),
});
