/**
 * The storage figures the settings page shows. The app layout reads them once (it also drives the low-space
 * banner) and provides them here, so this feature does not reach into another.
 */
import { createContext, useContext } from 'react';

export interface SettingsStorageStatus {
  persisted: boolean | null;
  estimate: { usage: number; quota: number } | null;
  unsynced: number;
  askPersistence: () => Promise<void>;
}

export const StorageStatusContext = createContext<SettingsStorageStatus | null>(null);

export function useSettingsStorageStatus(): SettingsStorageStatus {
  const status = useContext(StorageStatusContext);
  if (!status) throw new Error('StorageStatusContext is missing: the app layout provides it.');
  return status;
}
