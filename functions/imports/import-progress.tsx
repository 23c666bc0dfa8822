import { defineHttp, navigate } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { partial } from '../../shared/http/views/index.ts';
import { findImport } from './lib/imports-store.ts';
import { importPath } from './lib/paths.ts';
import { importIdParams } from './lib/schemas.ts';
import { ImportSummary } from './views/import-detail.tsx';
import { isActive } from './views/import-progress.tsx';

export default defineHttp({
  method: 'GET',
  path: '/runs/:id/progress',
  summary: 'Imports: an import summary with its progress (htmx fragment, polled while it runs)',
  hidden: true,
  auth: 'admin',
  params: importIdParams,
  handler: async (req, ctx) => {
    const row = await findImport(ctx.db, req.params.id);
    if (!row) throw new NotFoundError(`No import ${req.params.id}`);
    // Finished: the whole page again, so its failed rows show.
    if (!isActive(row) && req.htmx) return navigate(req, importPath(row.id));
    return partial(<ImportSummary row={row} />);
  },
});
