/**
 * A fan-out task's items, a page at a time: each item's state and latest attempt, and for a
 * `core.workflow` task the link to the child execution that attempt started (named by the
 * engine's own formula, so no request finds it). A fan-out has thousands of items; drawing
 * one page keeps the panel quick.
 */
import { useState } from 'preact/hooks';
import { childExecutionIdOf } from '../../../src/core/unit-key.js';
import { StatusBadge } from '../components/status-badge.js';
import type { ItemsView } from './fold-tasks.js';

/** Items drawn per page. */
export const ITEM_PAGE = 100;

export function ItemList(props: { executionId: string; taskId: string; items: ItemsView; childLinks: boolean }) {
  const { items } = props;
  const [offset, setOffset] = useState(0);
  // a new attempt of the task may bring fewer items: stay within them
  const start = offset < items.total ? offset : Math.max(0, Math.floor((items.total - 1) / ITEM_PAGE) * ITEM_PAGE);
  const end = Math.min(items.total, start + ITEM_PAGE);
  const rows: number[] = [];
  for (let index = start; index < end; index += 1) rows.push(index);
  return (
    <section aria-label="Items">
      <h3>Items</h3>
      <p class="muted">
        {items.completed} completed, {items.failed} failed of {items.total}
      </p>
      {items.total > 0 && (
        <>
          <ol class="items">
            {rows.map((index) => {
              const attempt = items.attempts[index] ?? 0;
              return (
                <li key={index} data-item={index}>
                  item {index} <StatusBadge status={items.outcomes[index] ?? 'pending'} />
                  {attempt > 0 && <span class="muted"> attempt #{attempt}</span>}
                  {props.childLinks && attempt > 0 && (
                    <>
                      {' · '}
                      <a
                        class="child-link"
                        href={`/ui/executions/${encodeURIComponent(childExecutionIdOf(props.executionId, props.taskId, attempt, index))}`}
                        aria-label={`child execution of item ${index}`}
                      >
                        child execution
                      </a>
                    </>
                  )}
                </li>
              );
            })}
          </ol>
          <nav class="pager" aria-label="Pages of items">
            {items.total > ITEM_PAGE && (
              <button type="button" disabled={start === 0} onClick={() => setOffset(Math.max(0, start - ITEM_PAGE))} aria-label="Previous items">
                Previous
              </button>
            )}
            <span>
              Items {start + 1}–{end} of {items.total}
            </span>
            {items.total > ITEM_PAGE && (
              <button type="button" disabled={end >= items.total} onClick={() => setOffset(start + ITEM_PAGE)} aria-label="Next items">
                Next
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
