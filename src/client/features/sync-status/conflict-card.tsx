/**
 * One conflict, both versions side by side field by field ("Trên máy này" / "Trên máy chủ"), the differing rows
 * marked, and the two choices. "This device" shows the record as it is on the device now (what keeping it sends).
 */
import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { LocalConflict } from '../../db/database.ts';
import { Notice } from '../../ui/notice.tsx';
import { resolveConflict, type ConflictChoice } from '../../sync/resolve.ts';
import { COMPARED_FIELDS, fieldValue, readLocalRecord, recordTitle, sameValue } from './records-view.ts';

export function ConflictCard({ conflict, describeError }: {
  conflict: LocalConflict;
  describeError: (error: unknown) => string;
}) {
  const { t } = useTranslation('sync');
  const local = useLiveQuery(() => readLocalRecord(conflict.entity, conflict.recordId), [conflict]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const device = local ?? conflict.deviceRecord;
  const server = conflict.serverRecord;
  const title = recordTitle(t, conflict.entity, server);
  const headingId = `conflict-${conflict.id}`;

  async function choose(choice: ConflictChoice) {
    setBusy(true);
    setError(null);
    try {
      await resolveConflict(conflict, choice);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      <div className="table-wrap">
        <table className="compare">
          <thead>
            <tr>
              <th scope="col">{t('conflicts.field')}</th>
              <th scope="col">{t('conflicts.device')}</th>
              <th scope="col">{t('conflicts.server')}</th>
            </tr>
          </thead>
          <tbody>
            {COMPARED_FIELDS[conflict.entity].map((field) => {
              const differs = !sameValue(device[field], server[field]);
              return (
                <tr key={field} className={differs ? 'differs' : undefined}>
                  <th scope="row">
                    {t(`fields.${field}`)}
                    {differs && <span className="differs-mark">{t('conflicts.differs')}</span>}
                  </th>
                  <td>{fieldValue(t, field, device[field])}</td>
                  <td>{fieldValue(t, field, server[field])}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {conflict.entity === 'visit' && <p className="muted">{t('conflicts.visitNote')}</p>}
      {error && <Notice tone="bad">{error}</Notice>}
      {busy && !error && <Notice>{t('conflicts.working')}</Notice>}
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => void choose('device')}
          aria-describedby={headingId}>
          {t('conflicts.keepDevice')}
        </button>
        <button type="button" className="button secondary" disabled={busy} onClick={() => void choose('server')}
          aria-describedby={headingId}>
          {t('conflicts.useServer')}
        </button>
      </div>
    </section>
  );
}
