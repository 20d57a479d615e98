/**
 * The sync wire contract (see ARCHITECTURE.md "Sync contract").
 *
 * Push: the device sends a batch of changes drained from its outbox; the server answers per change with a status
 * and, when it stored something, the server sequence number (the receipt). Immutable visits: same id + same content
 * → duplicate; same id + other content → conflict. Mutable records carry `baseVersion`, the server version the
 * device edited from; a stale base → conflict, stored on the server for a person to resolve.
 *
 * Pull: pages of changes after a server sequence cursor, scoped to the user's areas; deletions travel as the
 * record with `deleted: true` (a tombstone). The device applies a page and stores its cursor in one transaction.
 */
import * as z from 'zod/mini';
import {
  ENTITIES,
  hamletSchema,
  householdSchema,
  personSchema,
  visitSchema,
} from './records.ts';
import { isProblemCode, type ProblemCode } from './problems.ts';
import { selfCheckSchema } from './self-check.ts';

export const MAX_PUSH_BATCH = 500;
export const MAX_PULL_PAGE = 2000;

const baseVersion = z.nullable(z.int().check(z.minimum(0)));

export const changeSchema = z.discriminatedUnion('entity', [
  z.strictObject({ entity: z.literal('hamlet'), baseVersion, record: hamletSchema }),
  z.strictObject({ entity: z.literal('household'), baseVersion, record: householdSchema }),
  z.strictObject({ entity: z.literal('person'), baseVersion, record: personSchema }),
  z.strictObject({ entity: z.literal('visit'), baseVersion: z.null(), record: visitSchema }),
]);
export type Change = z.output<typeof changeSchema>;

export const pushRequestSchema = z.strictObject({
  deviceId: z.string().check(z.minLength(8), z.maxLength(64)),
  changes: z.array(changeSchema).check(z.minLength(1), z.maxLength(MAX_PUSH_BATCH, 'batchTooLarge')),
});
export type PushRequest = z.output<typeof pushRequestSchema>;

export const PUSH_STATUSES = ['applied', 'duplicate', 'conflict', 'rejected'] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];

export const pushResultSchema = z.strictObject({
  entity: z.enum(ENTITIES),
  id: z.string(),
  status: z.enum(PUSH_STATUSES),
  /** Server sequence number of the stored change: the receipt. Absent when rejected. */
  seq: z.optional(z.int()),
  /** The server's version of a mutable record after this change (or the current one, on conflict). */
  version: z.optional(z.int()),
  problem: z.optional(z.string().check(z.refine(isProblemCode))),
});
export type PushResult = Omit<z.output<typeof pushResultSchema>, 'problem'> & { problem?: ProblemCode };

export const pushResponseSchema = z.strictObject({ results: z.array(pushResultSchema) });

export const pulledChangeSchema = z.discriminatedUnion('entity', [
  z.strictObject({ seq: z.int(), entity: z.literal('hamlet'), record: hamletSchema }),
  z.strictObject({ seq: z.int(), entity: z.literal('household'), record: householdSchema }),
  z.strictObject({ seq: z.int(), entity: z.literal('person'), record: personSchema }),
  z.strictObject({ seq: z.int(), entity: z.literal('visit'), record: visitSchema }),
  z.strictObject({ seq: z.int(), entity: z.literal('self-check'), record: selfCheckSchema }),
]);
export type PulledChange = z.output<typeof pulledChangeSchema>;

export const pullResponseSchema = z.strictObject({
  changes: z.array(pulledChangeSchema),
  /** Pass back as `after` for the next page. */
  cursor: z.int(),
  hasMore: z.boolean(),
});
export type PullResponse = z.output<typeof pullResponseSchema>;
