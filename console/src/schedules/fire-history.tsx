/**
 * Every fire of a trigger, newest first, a page at a time (`?fires=OFFSET` keeps the page in
 * the link): a schedule's page shows more than its ten latest, so a fire that failed or was
 * skipped long ago on a frequent schedule can still be found.
 */
import { useLocation } from 'preact-iso';
import type { HarmoniaClient } from '../client.js';
import { Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { FiresTable } from './fires-table.js';

const PAGE = 20;

export function FireHistory(props: { client: HarmoniaClient; triggerId: string; reloadKey: unknown }) {
  const { path, query, route } = useLocation();
  const offset = Math.max(0, Number(query.fires ?? 0) || 0);
  const state = useAsync((signal) => props.client.listTriggerFires(props.triggerId, { signal, limit: PAGE, offset }), [props.triggerId, offset, props.reloadKey]);
  const go = (next: number) => route(next > 0 ? `${path}?fires=${next}` : path);
  return (
    <Loaded state={state} what="the fires">
      {(page) => (
        <>
          {page.items.length === 0 && page.total > 0 ? (
            // a link past the last page (fires pruned since, or hand-edited): say so, offer the newest
            <p class="muted">
              No fires this far back ({page.total} in all).{' '}
              <button type="button" onClick={() => go(0)}>
                Newest fires
              </button>
            </p>
          ) : (
            <FiresTable fires={page.items} label="Fires" />
          )}
          {page.total > PAGE && page.items.length > 0 && (
            <nav class="pager" aria-label="Pages of fires">
              <button type="button" disabled={offset === 0} onClick={() => go(Math.max(0, offset - PAGE))}>
                Newer
              </button>
              <span>
                {offset + 1}–{offset + page.items.length} of {page.total}
              </span>
              <button type="button" disabled={offset + PAGE >= page.total} onClick={() => go(offset + PAGE)}>
                Older
              </button>
            </nav>
          )}
        </>
      )}
    </Loaded>
  );
}
