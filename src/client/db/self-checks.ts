/**
 * Residents' self-checks on the device.
 *
 * - The resident's own answers are one draft row ('current'): kept on the device, changed at any time, no account.
 * - Sending them to a household (through a household link code) snapshots the answers into `selfCheckSends` under
 *   a new UUIDv7; the sender (features/self-check) drains the queue when online. A snapshot is never changed:
 *   editing the answers afterwards and sending again makes a new one.
 * - Volunteers' devices store the self-checks they pull (`selfChecks`), read by the household page beside — never
 *   instead of — the observed outcomes.
 */
import { uuidv7 } from '../../shared/ids.ts';
import type { SelfAnswer, SelfCheckAnswers } from '../../shared/self-check.ts';
import type { SubSkillCode } from '../../shared/skills.ts';
import { getDb, type LocalSelfCheck, type SelfCheckDraft, type SelfCheckSend } from './database.ts';

export const DRAFT_ID = 'current';

const emptyDraft = (): SelfCheckDraft => ({ id: DRAFT_ID, answers: {}, updatedAt: new Date().toISOString(), link: null });

export async function getSelfCheckDraft(): Promise<SelfCheckDraft> {
  return (await getDb().selfCheckDrafts.get(DRAFT_ID)) ?? emptyDraft();
}

/** Sets (or, with null, clears) the answers of some sub-skills; the others stay as they were. */
export async function saveSelfCheckAnswers(changes: Partial<Record<SubSkillCode, SelfAnswer | null>>): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.selfCheckDrafts, async () => {
    const draft = await getSelfCheckDraft();
    const merged: Partial<Record<SubSkillCode, SelfAnswer | null>> = { ...draft.answers, ...changes };
    const answers = Object.fromEntries(Object.entries(merged).filter(([, a]) => a !== null)) as SelfCheckAnswers;
    await db.selfCheckDrafts.put({ ...draft, answers, updatedAt: new Date().toISOString() });
  });
}

/** Remembers the household link the resident opened or typed (a normalised code). */
export async function setSelfCheckLink(code: string, hamletName: string | null = null): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.selfCheckDrafts, async () => {
    const draft = await getSelfCheckDraft();
    const keepName = draft.link?.code === code ? draft.link.hamletName : null;
    await db.selfCheckDrafts.put({ ...draft, link: { code, hamletName: hamletName ?? keepName } });
  });
}

export async function clearSelfCheckLink(): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.selfCheckDrafts, async () => {
    const draft = await getSelfCheckDraft();
    await db.selfCheckDrafts.put({ ...draft, link: null });
  });
}

/** Snapshots the current answers for the linked household and queues them; returns the queued entry. */
export async function queueSelfCheckSend(now: Date = new Date()): Promise<SelfCheckSend> {
  const db = getDb();
  return db.transaction('rw', db.selfCheckDrafts, db.selfCheckSends, async () => {
    const draft = await getSelfCheckDraft();
    if (draft.link === null) throw new Error('no household link to send to');
    if (Object.keys(draft.answers).length === 0) throw new Error('nothing answered yet');
    const entry: SelfCheckSend = {
      id: uuidv7(now.getTime()),
      code: draft.link.code,
      answers: { ...draft.answers },
      answeredAt: now.toISOString(),
      state: 'queued',
      attempts: 0,
      lastError: null,
      sentAt: null,
    };
    await db.selfCheckSends.add(entry);
    return entry;
  });
}

export async function getSelfCheckSend(id: string): Promise<SelfCheckSend | null> {
  return (await getDb().selfCheckSends.get(id)) ?? null;
}

export async function listQueuedSends(): Promise<SelfCheckSend[]> {
  return getDb().selfCheckSends.where('state').equals('queued').toArray();
}

/** How many self-checks wait to be sent (live, in the layout: the sender is loaded only while there are some). */
export async function countQueuedSends(): Promise<number> {
  return getDb().selfCheckSends.where('state').equals('queued').count();
}

/** Every send, newest first (ids are UUIDv7: time-ordered). */
export async function listSends(): Promise<SelfCheckSend[]> {
  return (await getDb().selfCheckSends.toArray()).sort((a, b) => b.id.localeCompare(a.id));
}

export async function markSendSent(id: string, now: Date = new Date()): Promise<void> {
  await getDb().selfCheckSends.update(id, { state: 'sent', sentAt: now.toISOString(), lastError: null });
}

/** The server will never take it (unknown or revoked code, bad content): kept for the resident to see, not retried. */
export async function markSendRefused(id: string, problem: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.selfCheckSends, async () => {
    const entry = await db.selfCheckSends.get(id);
    if (entry) await db.selfCheckSends.put({ ...entry, state: 'refused', lastError: problem, attempts: entry.attempts + 1 });
  });
}

/** A failed attempt that may succeed later (offline, timeout, rate limit): stays queued. */
export async function markSendFailed(id: string, problem: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.selfCheckSends, async () => {
    const entry = await db.selfCheckSends.get(id);
    if (entry) await db.selfCheckSends.put({ ...entry, lastError: problem, attempts: entry.attempts + 1 });
  });
}

// ---- Volunteers: self-checks pulled for households ----------------------------------------------------------

/** Stores pulled self-checks. Runs inside the pull's transaction (apply-pulled.ts lists the table). */
export async function putPulledSelfChecks(records: readonly LocalSelfCheck[]): Promise<void> {
  if (records.length > 0) await getDb().selfChecks.bulkPut([...records]);
}

/** A household's self-checks, newest received first. */
export async function listHouseholdSelfChecks(householdId: string): Promise<LocalSelfCheck[]> {
  const rows = await getDb().selfChecks.where('householdId').equals(householdId).toArray();
  return rows.sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt) || b.id.localeCompare(a.id));
}
