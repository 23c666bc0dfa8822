import { authPageRoute } from './lib/auth-routes.tsx';

export default authPageRoute('login');
