/**
 * The household card (/ho/:id/the): a QR code that opens /ma/<code> and the code in groups to type, with the hamlet
 * name only — nobody's name or phone. A volunteer creates it online (the server returns the code once and keeps a
 * hash); the card is kept on this device and shows, and prints, offline later. The household's codes are listed
 * with a revoke button (online), so a lost card can be stopped and a new one made.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import {
  formatLinkCode,
  householdLinkCreatedSchema,
  householdLinkListSchema,
  householdLinkSummarySchema,
  type HouseholdLinkSummary,
} from '../../../shared/household-link.ts';
import type { HouseholdCardRow } from '../../db/database.ts';
import { getHousehold } from '../../db/households.ts';
import { forgetHouseholdCard, getHouseholdCard, saveHouseholdCard } from '../../db/household-links.ts';
import { hasStoredSession } from '../../db/sync-state.ts';
import { apiFetch, ApiError } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { QrCode } from './qr-code.tsx';
import './household-card.css';

type Flash = { tone: 'ok' | 'bad'; text: string } | null;

function useOnlineFlag(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

async function fetchLinks(householdId: string): Promise<HouseholdLinkSummary[] | null> {
  try {
    return householdLinkListSchema.parse(await apiFetch(`/households/${householdId}/links`)).links;
  } catch {
    return null;
  }
}

export function HouseholdCardPage() {
  const { householdId = '' } = useParams();
  const { t, i18n } = useTranslation('self-check');
  const data = useLiveQuery(
    async () => ({
      household: (await getHousehold(householdId)) ?? null,
      card: await getHouseholdCard(householdId),
      signedIn: await hasStoredSession(),
    }),
    [householdId],
  );
  const online = useOnlineFlag();
  const [flash, setFlash] = useState<Flash>(null);
  const [busy, setBusy] = useState(false);
  const [links, setLinks] = useState<HouseholdLinkSummary[] | null>(null);
  const failed = useCallback(
    (error: unknown) => {
      const code = error instanceof ApiError ? error.code : 'internal';
      setFlash({ tone: 'bad', text: t('card.failed', { reason: problemMessage(i18n, code) ?? code }) });
    },
    [t, i18n],
  );

  const canUseServer = online && data?.signedIn === true && (data.household?.version ?? 0) > 0;

  // Bumped after a create or a revoke, so the list is fetched again.
  const [listVersion, setListVersion] = useState(0);
  const loadLinks = useCallback(async () => setListVersion((v) => v + 1), []);

  useEffect(() => {
    if (!canUseServer) return;
    let live = true;
    void fetchLinks(householdId).then((list) => {
      if (live) setLinks(list);
    });
    return () => {
      live = false;
    };
  }, [canUseServer, householdId, listVersion]);

  if (data === undefined) {
    return (
      <Page title={t('card.title')}>
        <p role="status">{t('page.loading')}</p>
      </Page>
    );
  }
  const back = { to: routes.household(householdId), label: t('card.back') };
  if (data.household === null) {
    return (
      <Page title={t('card.title')} back={{ to: routes.hamlets(), label: t('card.back') }}>
        <Notice tone="warn">{t('card.householdNotFound')}</Notice>
      </Page>
    );
  }

  const create = async () => {
    setBusy(true);
    setFlash(null);
    try {
      const created = householdLinkCreatedSchema.parse(
        await apiFetch('/household-links', { method: 'POST', body: { householdId } }),
      );
      await saveHouseholdCard({
        householdId, linkId: created.id, code: created.code, hamletName: created.hamletName, createdAt: created.createdAt,
      });
      setFlash({ tone: 'ok', text: t('card.created') });
      await loadLinks();
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (link: HouseholdLinkSummary) => {
    setBusy(true);
    setFlash(null);
    try {
      householdLinkSummarySchema.parse(await apiFetch(`/household-links/${link.id}/revoke`, { method: 'POST' }));
      await forgetHouseholdCard(householdId, link.id);
      setFlash({ tone: 'ok', text: t('card.revokedDone') });
      await loadLinks();
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('card.title')} back={back}>
      <p className="no-print">{t('card.intro')}</p>
      {flash && <div className="no-print"><Notice tone={flash.tone}>{flash.text}</Notice></div>}
      {data.card && <PrintableCard card={data.card} />}
      <div className="actions no-print">
        {data.card && (
          <button type="button" className="button block main-action" onClick={() => window.print()}>
            {t('card.print')}
          </button>
        )}
        {canUseServer && (
          <button type="button" className={data.card ? 'button secondary block' : 'button block main-action'} disabled={busy} onClick={() => void create()}>
            {busy ? t('card.creating') : data.card ? t('card.newCode') : t('card.create')}
          </button>
        )}
      </div>
      {data.card && canUseServer && <p className="muted no-print">{t('card.newCodeConfirm')}</p>}
      {!canUseServer && (
        <div className="no-print">
          {data.household.version === 0 ? (
            <Notice tone="warn">{t('card.needsSync')}</Notice>
          ) : (
            <Notice>
              {t('card.needsOnline')}{' '}
              {!data.signedIn && <Link to={routes.login()}>{t('card.login')}</Link>}
            </Notice>
          )}
        </div>
      )}
      {canUseServer && <LinkList links={links} busy={busy} onRevoke={(l) => void revoke(l)} />}
    </Page>
  );
}

function PrintableCard({ card }: { card: HouseholdCardRow }) {
  const { t } = useTranslation('self-check');
  const url = `${window.location.origin}${routes.householdLink(card.code)}`;
  const typeUrl = `${window.location.host}${routes.selfCheck()}`;
  return (
    <section className="household-card" aria-labelledby="household-card-heading">
      <h2 id="household-card-heading">{t('card.cardHeading')}</h2>
      {card.hamletName && <p className="household-card-hamlet">{t('card.cardHamlet', { hamlet: card.hamletName })}</p>}
      <QrCode text={url} label={t('card.qrLabel')} />
      <p>{t('card.cardScan', { url: typeUrl })}</p>
      <p className="household-card-code">
        <span className="visually-hidden">{t('card.codeLabel')}: </span>
        {formatLinkCode(card.code)}
      </p>
      <p className="muted">{t('card.createdAt', { date: formatDate(card.createdAt) })}</p>
      <p className="household-card-footer">{t('card.cardFooter')}</p>
    </section>
  );
}

function LinkList({
  links, busy, onRevoke,
}: { links: HouseholdLinkSummary[] | null; busy: boolean; onRevoke: (link: HouseholdLinkSummary) => void }) {
  const { t } = useTranslation('self-check');
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <section aria-labelledby="household-links-heading" className="no-print">
      <h2 id="household-links-heading">{t('card.linksHeading')}</h2>
      {links === null ? (
        <p role="status">{t('card.linksLoading')}</p>
      ) : links.length === 0 ? (
        <p className="muted">{t('card.noLinks')}</p>
      ) : (
        <ul className="list">
          {links.map((link) => (
            <li key={link.id} className="link-entry">
              <span className="grow">
                {t('card.linkEntry', { hint: link.hint, date: formatDate(link.createdAt) })}{' '}
                {link.revokedAt === null ? (
                  <span className="badge ok">{t('card.active')}</span>
                ) : (
                  <span className="badge">{t('card.revoked', { date: formatDate(link.revokedAt) })}</span>
                )}
              </span>
              {link.revokedAt === null && confirming !== link.id && (
                <button
                  type="button"
                  className="button danger"
                  aria-label={t('card.revokeLabel', { hint: link.hint })}
                  onClick={() => setConfirming(link.id)}
                >
                  {t('card.revoke')}
                </button>
              )}
              {confirming === link.id && (
                <div className="confirm-revoke" role="group" aria-label={t('card.revokeLabel', { hint: link.hint })}>
                  <p>{t('card.revokeConfirm', { hint: link.hint })}</p>
                  <div className="actions">
                    <button type="button" className="button danger" disabled={busy} onClick={() => { setConfirming(null); onRevoke(link); }}>
                      {t('card.confirmRevoke')}
                    </button>
                    <button type="button" className="button secondary" onClick={() => setConfirming(null)}>
                      {t('card.cancel')}
                    </button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
