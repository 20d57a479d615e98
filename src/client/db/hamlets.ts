/**
 * Hamlets (thôn, tổ dân phố, ấp, bản…) of a commune: created and renamed on the device, synced like any
 * mutable record. A hamlet with households cannot be deleted (its households would be orphaned).
 */
import { uuidv7 } from '../../shared/ids.ts';
import { hamletInputSchema, hamletSchema, type HamletInput } from '../../shared/records.ts';
import { cleanName, viCollator } from '../../shared/text-fold.ts';
import { getDb, type LocalHamlet } from './database.ts';
import { enqueue } from './outbox.ts';
import { parseOrThrow, ValidationError } from './validation.ts';

export async function listHamlets(communeCode: string): Promise<LocalHamlet[]> {
  const rows = await getDb().hamlets.where('communeCode').equals(communeCode).toArray();
  const collator = viCollator();
  return rows.filter((h) => !h.deleted).sort((a, b) => collator.compare(a.name, b.name));
}

export async function getHamlet(id: string): Promise<LocalHamlet | undefined> {
  const h = await getDb().hamlets.get(id);
  return h && !h.deleted ? h : undefined;
}

/**
 * Two hamlets of a commune may not share a name, ignoring case and spacing. Tone marks count: "Thôn Hòa" and
 * "Thôn Hoa" can be two real places. The old/new tone-mark position ("Hoà"/"Hòa") is the same name, so the
 * comparison uses canonical NFC after mapping the old-style positions.
 */
function nameKey(name: string): string {
  return cleanName(name)
    .toLocaleLowerCase('vi')
    .normalize('NFD')
    .replace(/o([\u0300\u0301\u0303\u0309\u0323])([ae])/gu, 'o$2$1')
    .replace(/u([\u0300\u0301\u0303\u0309\u0323])y/gu, 'uy$1')
    .normalize('NFC');
}

async function assertUniqueName(communeCode: string, name: string, exceptId?: string): Promise<void> {
  const key = nameKey(name);
  const existing = await getDb().hamlets.where('communeCode').equals(communeCode).toArray();
  if (existing.some((h) => !h.deleted && h.id !== exceptId && nameKey(h.name) === key)) {
    throw new ValidationError({ name: 'duplicateHamlet' });
  }
}

export async function createHamlet(
  area: { provinceCode: string; communeCode: string },
  input: HamletInput,
): Promise<LocalHamlet> {
  const { name } = parseOrThrow(hamletInputSchema, { name: cleanName(input.name) });
  const db = getDb();
  return db.transaction('rw', db.hamlets, db.outbox, async () => {
    await assertUniqueName(area.communeCode, name);
    const hamlet = parseOrThrow(hamletSchema, {
      id: uuidv7(),
      provinceCode: area.provinceCode,
      communeCode: area.communeCode,
      name,
      version: 0,
      deleted: false,
      updatedAt: new Date().toISOString(),
    });
    await db.hamlets.add(hamlet);
    await enqueue('hamlet', hamlet.id);
    return hamlet;
  });
}

export async function renameHamlet(id: string, input: HamletInput): Promise<LocalHamlet> {
  const { name } = parseOrThrow(hamletInputSchema, { name: cleanName(input.name) });
  const db = getDb();
  return db.transaction('rw', db.hamlets, db.outbox, async () => {
    const hamlet = await db.hamlets.get(id);
    if (!hamlet || hamlet.deleted) throw new ValidationError({ _: 'notFound' });
    await assertUniqueName(hamlet.communeCode, name, id);
    const updated = { ...hamlet, name, updatedAt: new Date().toISOString() };
    await db.hamlets.put(updated);
    await enqueue('hamlet', id);
    return updated;
  });
}

export async function deleteHamlet(id: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.hamlets, db.households, db.outbox, async () => {
    const hamlet = await db.hamlets.get(id);
    if (!hamlet || hamlet.deleted) return;
    const households = await db.households.where('hamletId').equals(id).filter((h) => !h.deleted).count();
    if (households > 0) throw new ValidationError({ _: 'hamletNotEmpty' });
    await db.hamlets.put({ ...hamlet, deleted: true, updatedAt: new Date().toISOString() });
    await enqueue('hamlet', id);
  });
}
