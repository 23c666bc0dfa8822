import type { AuthUser, FlashMessage } from '../../../shared/contract/index.ts';
import type { TaskPage, TaskStatus } from '../lib/model.ts';
import type { ReportProgress } from '../lib/report-progress.ts';
import type { AllOwnerStats, OwnerStats } from '../lib/stats-store.ts';
import { CreateTaskForm } from './create-task-form.tsx';
import { NotesLayout } from './notes-layout.tsx';
import { OwnersTable } from './owners-table.tsx';
import { ReportPanel } from './report-panel.tsx';
import { StatsStrip } from './stats-strip.tsx';
import { TaskList } from './task-list.tsx';

export interface DashboardProps {
  user: AuthUser;
  csrfToken: string;
  flash: readonly FlashMessage[];
  page: TaskPage;
  filter: TaskStatus | undefined;
  stats: OwnerStats;
  progress: ReportProgress;
  /** Admins only: every owner's counts. */
  allStats?: AllOwnerStats | undefined;
}

/** The Notes dashboard: counts, new-task form, the list, the report panel (and all owners for admins). */
export function DashboardPage(props: DashboardProps) {
  const { user, csrfToken, flash, page, filter, stats, progress, allStats } = props;
  return (
    <NotesLayout title="Notes" user={user} csrfToken={csrfToken} flash={flash}>
      <div class="page-head">
        <div>
          <h1>Notes</h1>
          <StatsStrip stats={stats} />
        </div>
      </div>
      <div class="grid-2">
        <CreateTaskForm csrfToken={csrfToken} filter={filter} />
        <ReportPanel progress={progress} csrfToken={csrfToken} />
      </div>
      <TaskList page={page} filter={filter} csrfToken={csrfToken} />
      {allStats && <OwnersTable stats={allStats} />}
    </NotesLayout>
  );
}
