/**
 * Small device-level values: the device id, the chosen working area, settings. One row per key.
 */
import { uuidv7 } from '../../shared/ids.ts';
import { getDb } from './database.ts';

export interface WorkingArea {
  provinceCode: string;
  communeCode: string;
  hamletId: string | null;
}

export async function getMeta<T>(key: string): Promise<T | undefined> {
  const row = await getDb().meta.get(key);
  return row?.value as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await getDb().meta.put({ key, value });
}

/** A random id for this installation; stands in as the author of visits until accounts exist. */
export async function getDeviceId(): Promise<string> {
  const db = getDb();
  return db.transaction('rw', db.meta, async () => {
    const existing = await getMeta<string>('deviceId');
    if (existing) return existing;
    const id = uuidv7();
    await setMeta('deviceId', id);
    return id;
  });
}

export const getWorkingArea = () => getMeta<WorkingArea>('workingArea');
export const setWorkingArea = (area: WorkingArea) => setMeta('workingArea', area);
