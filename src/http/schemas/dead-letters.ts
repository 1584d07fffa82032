/**
 * TypeBox schemas shared by the dead-letter routes of ingestion and of the SageMaker sink: the paging query
 * and page, the replay body and the replay result. Each route brings the shape of its own entries and ids.
 */
import { type TSchema, Type } from 'typebox';

/** Entries per page when the query names no `limit`. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Most entries per page and per replay; also a replay's size when its body names neither ids nor limit. */
export const MAX_DEAD_LETTERS_PER_CALL = 1000;

/** `?limit=&after=`: a page of the oldest entries, continuing after the previous page's `next`. */
export const DeadLetterPageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_DEAD_LETTERS_PER_CALL, default: DEFAULT_PAGE_LIMIT }),
    ),
    after: Type.Optional(Type.String({ maxLength: 512, description: '`next` from the previous page' })),
  },
  { additionalProperties: false },
);

/** One page of entries, oldest first; `next` is null on the last page. */
export const deadLetterPage = <Entry extends TSchema>(entry: Entry) =>
  Type.Object({
    items: Type.Array(entry),
    total: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()]),
  });

/** Replay the entries named by `ids`, or without ids the oldest `limit`. */
export const replayDeadLettersBody = <Id extends TSchema>(id: Id) =>
  Type.Object(
    {
      ids: Type.Optional(Type.Array(id, { minItems: 1, maxItems: MAX_DEAD_LETTERS_PER_CALL })),
      limit: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: MAX_DEAD_LETTERS_PER_CALL,
          description: 'Without ids: replay the oldest `limit` (default 1000)',
        }),
      ),
    },
    { additionalProperties: false },
  );

/** What every replay answers: how many entries were replayed, and the requested ids that were not there. */
export const ReplayResultSchema = Type.Object({
  replayed: Type.Integer(),
  missing: Type.Array(Type.String()),
});
