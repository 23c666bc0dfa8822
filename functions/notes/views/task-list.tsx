import type { TaskPage, TaskStatus } from '../lib/model.ts';
import { STATUS_LABELS, TASK_STATUSES } from '../lib/model.ts';
import { dashboardUrl } from '../lib/paths.ts';
import { TaskItem } from './task-item.tsx';

export const TASK_LIST_ID = 'task-list';

export interface TaskListProps {
  page: TaskPage;
  filter: TaskStatus | undefined;
  csrfToken: string;
}

/** The filtered, paginated list: status filter links, the items, previous / next page links. */
export function TaskList({ page, filter, csrfToken }: TaskListProps) {
  const pageNo = Math.floor(page.offset / page.limit) + 1;
  const lastPage = Math.max(1, Math.ceil(page.total / page.limit));
  const filters: { status: TaskStatus | undefined; label: string }[] = [
    { status: undefined, label: 'All' },
    ...TASK_STATUSES.map((status) => ({ status, label: STATUS_LABELS[status] })),
  ];
  return (
    <section id={TASK_LIST_ID} class="card" aria-labelledby="list-title">
      <h2 id="list-title">Tasks</h2>
      <nav class="filters" aria-label="Filter by status">
        {filters.map(({ status, label }) => (
          <a href={dashboardUrl({ status })} aria-current={status === filter ? 'true' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {page.items.length === 0 ? (
        <p class="empty">{page.total === 0 ? 'No tasks here yet.' : 'Nothing on this page.'}</p>
      ) : (
        <ul class="task-list">
          {page.items.map((task) => (
            <TaskItem task={task} csrfToken={csrfToken} />
          ))}
        </ul>
      )}
      <div class="pager">
        {pageNo > 1 ? (
          <a href={dashboardUrl({ status: filter, page: pageNo - 1 })}>← Newer</a>
        ) : (
          <span></span>
        )}
        <span class="muted">
          Page {Math.min(pageNo, lastPage)} of {lastPage} · {page.total} {page.total === 1 ? 'task' : 'tasks'}
        </span>
        {pageNo < lastPage ? (
          <a href={dashboardUrl({ status: filter, page: pageNo + 1 })}>Older →</a>
        ) : (
          <span></span>
        )}
      </div>
    </section>
  );
}
