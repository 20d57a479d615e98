/**
 * Keeping the device's data safe from the browser's storage eviction. On first start the app asks the browser to
 * keep its data for good (navigator.storage.persist) and remembers the answer; space is read with estimate().
 * Low space matters only while some work has not reached the server yet: that is when a backup is urgent.
 */
import { getMeta, setMeta } from '../../db/meta.ts';

const PERSISTENCE_KEY = 'storagePersistence';
const MB = 1024 * 1024;
/** Below this much free space, or above this share used, the device is short of room. */
export const LOW_FREE_BYTES = 50 * MB;
export const HIGH_USED_RATIO = 0.9;

export interface StorageEstimateNumbers {
  usage: number;
  quota: number;
}

interface PersistenceRecord {
  granted: boolean;
  askedAt: string;
}

function storageManager(): StorageManager | null {
  return typeof navigator !== 'undefined' && 'storage' in navigator && navigator.storage ? navigator.storage : null;
}

export function isLowOnSpace({ usage, quota }: StorageEstimateNumbers): boolean {
  if (quota <= 0) return false;
  return quota - usage < LOW_FREE_BYTES || usage / quota > HIGH_USED_RATIO;
}

export async function readEstimate(): Promise<StorageEstimateNumbers | null> {
  const manager = storageManager();
  if (!manager?.estimate) return null;
  try {
    const { usage, quota } = await manager.estimate();
    return typeof usage === 'number' && typeof quota === 'number' ? { usage, quota } : null;
  } catch {
    return null;
  }
}

/** null: this browser cannot tell. */
export async function isPersisted(): Promise<boolean | null> {
  const manager = storageManager();
  if (!manager?.persisted) return null;
  try {
    return await manager.persisted();
  } catch {
    return null;
  }
}

/** Asks the browser to keep the data, and remembers when and what it answered. */
export async function requestPersistence(): Promise<boolean | null> {
  const manager = storageManager();
  if (!manager?.persist) return null;
  let granted: boolean;
  try {
    granted = await manager.persist();
  } catch {
    return null;
  }
  await setMeta(PERSISTENCE_KEY, { granted, askedAt: new Date().toISOString() } satisfies PersistenceRecord);
  return granted;
}

/** On start: asks once (first start); afterwards only reads the current state, so the browser is not nagged. */
export async function ensurePersistence(): Promise<boolean | null> {
  const current = await isPersisted();
  if (current !== false) return current;
  const asked = await getMeta<PersistenceRecord>(PERSISTENCE_KEY);
  if (asked) return false;
  return requestPersistence();
}
