/**
 * A shard reader's read-ahead: while a batch applies, the next pages are already being read, up to `depth`
 * pages beyond the one being applied, each after the one before it arrived (it needs that page's iterator) and
 * only while the shard is behind (`wanted`). The reader takes pages in order; a page is used only if it was read
 * from the iterator the reader is at, otherwise every page ahead is dropped (the reader starts again elsewhere).
 * `read` paces the calls and must not call once `dropped()` is true.
 */
import type { RecordsPage } from '../../src/adapters/kinesis/shard-api.js';

interface Entry {
  iterator: string;
  page: Promise<RecordsPage>;
  dropped: boolean;
  /** A continuation waits for this page to read the one after it. */
  chained: boolean;
}

export class ReadAhead {
  private queue: Entry[] = [];

  constructor(
    private readonly read: (iterator: string, dropped: () => boolean) => Promise<RecordsPage>,
    private readonly depth: number,
    private readonly wanted: (page: RecordsPage) => boolean,
  ) {}

  /** The reader is about to apply a page whose next iterator is `next`: keep the pages after it coming. */
  follow(next: string): void {
    const last = this.queue.at(-1);
    if (last) this.chain(last);
    else this.start(next);
  }

  /** The page read from `iterator`, if it is the next one ahead; otherwise drops every page ahead. */
  take(iterator: string): Promise<RecordsPage> | null {
    const first = this.queue[0];
    if (first && first.iterator === iterator) {
      this.queue.shift();
      return first.page;
    }
    this.drop();
    return null;
  }

  drop(): void {
    for (const e of this.queue) e.dropped = true;
    this.queue = [];
  }

  private start(iterator: string): void {
    const entry: Entry = { iterator, page: Promise.resolve(null as never), dropped: false, chained: false };
    entry.page = this.read(iterator, () => entry.dropped);
    entry.page.catch(() => {}); // a failure surfaces where the page is taken (or nowhere, if it is dropped)
    this.queue.push(entry);
    this.chain(entry);
  }

  private chain(entry: Entry): void {
    if (entry.chained || entry.dropped) return;
    entry.chained = true;
    entry.page.then(
      (page) => {
        entry.chained = false;
        if (entry.dropped || this.queue.at(-1) !== entry) return;
        if (page.next === null || !this.wanted(page)) return; // caught up: nothing more to read ahead
        if (this.queue.length >= this.depth) return; // full: `follow` chains again once a page is taken
        this.start(page.next);
      },
      () => {},
    );
  }
}
