/**
 * Household cards created on this device (v4 table `householdCards`): the server keeps only a hash of a link code,
 * so this row is the one place the code can be shown again — offline too. Revoking a link drops its card.
 */
import { getDb, type HouseholdCardRow } from './database.ts';

export async function getHouseholdCard(householdId: string): Promise<HouseholdCardRow | null> {
  return (await getDb().householdCards.get(householdId)) ?? null;
}

/** A new card replaces the household's previous one on this device. */
export async function saveHouseholdCard(card: HouseholdCardRow): Promise<void> {
  await getDb().householdCards.put(card);
}

/** Forgets the card if it is the one of this link (another device may have revoked an older link). */
export async function forgetHouseholdCard(householdId: string, linkId: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.householdCards, async () => {
    const card = await db.householdCards.get(householdId);
    if (card?.linkId === linkId) await db.householdCards.delete(householdId);
  });
}
