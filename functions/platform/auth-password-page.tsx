import { defineHttp, html } from '../../shared/contract/index.ts';
import { PASSWORD_PAGE, PasswordPage } from './views/password-page.tsx';

export default defineHttp({
  method: 'GET',
  path: PASSWORD_PAGE,
  auth: 'user',
  summary: 'Account page: change the password, sign out everywhere',
  hidden: true,
  handler: async (req) =>
    html(<PasswordPage user={req.user} csrfToken={await req.csrfToken()} flash={req.flash} />),
});
