/**
 * A fan-out task's items, a page at a time: each item's state and latest attempt, and for a
 * `core.workflow` task the link to the child execution that attempt started (named by the
 * engine's own formula, so no request finds it). A fan-out has thousands of items; a page
 * is read from the server (the task panel asks for it) and kept current by the stream.
 */
import { childExecutionIdOf } from '../../../src/core/unit-key.js';
import { itemOf, type ItemsView } from '../../../src/core/task-fold.js';
import { StatusBadge } from '../components/status-badge.js';

/** Items drawn per page. */
export const ITEM_PAGE = 100;

export function ItemList(props: {
  executionId: string;
  taskId: string;
  items: ItemsView;
  /** The first item of the page shown. */
  offset: number;
  /** The page at `offset` has been read (until then its items are not known). */
  loaded: boolean;
  onOffset(offset: number): void;
  childLinks: boolean;
}) {
  const { items } = props;
  // a new attempt of the task may bring fewer items: stay within them
  const start = props.offset < items.total ? props.offset : Math.max(0, Math.floor((items.total - 1) / ITEM_PAGE) * ITEM_PAGE);
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
          {props.loaded ? (
            <ol class="items">
              {rows.map((index) => {
                const { attempt, outcome } = itemOf(items, index);
                return (
                  <li key={index} data-item={index}>
                    item {index} <StatusBadge status={outcome} />
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
          ) : (
            <p class="muted" role="status">
              Reading items…
            </p>
          )}
          <nav class="pager" aria-label="Pages of items">
            {items.total > ITEM_PAGE && (
              <button type="button" disabled={start === 0} onClick={() => props.onOffset(Math.max(0, start - ITEM_PAGE))} aria-label="Previous items">
                Previous
              </button>
            )}
            <span>
              Items {start + 1}–{end} of {items.total}
            </span>
            {items.total > ITEM_PAGE && (
              <button type="button" disabled={end >= items.total} onClick={() => props.onOffset(start + ITEM_PAGE)} aria-label="Next items">
                Next
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
