/**
 * What a resident opens from a household card's QR code (/ma/<code>): the code is remembered on the device — also
 * offline, since the app shell is cached — and, when there is a network, the server names the hamlet (all a code
 * reveals). From here the resident starts the self-check.
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { normalizeLinkCode } from '../../../shared/household-link.ts';
import { setSelfCheckLink } from '../../db/self-checks.ts';
import { ApiError } from '../../lib/api.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { CodeForm } from './code-form.tsx';
import { lookupHouseholdLink } from './self-check-sender.ts';
import './self-check.css';

type Lookup =
  | { status: 'pending' }
  | { status: 'named'; hamlet: string }
  | { status: 'offline' }
  | { status: 'refused'; code: string };

export function HouseholdLinkPage() {
  const { code: raw = '' } = useParams();
  const { t, i18n } = useTranslation('self-check');
  const navigate = useNavigate();
  const code = normalizeLinkCode(raw);
  const [lookup, setLookup] = useState<Lookup>({ status: 'pending' });

  useEffect(() => {
    if (code === null) return;
    let live = true;
    void (async () => {
      await setSelfCheckLink(code);
      try {
        const hamlet = await lookupHouseholdLink(code);
        await setSelfCheckLink(code, hamlet);
        if (live) setLookup({ status: 'named', hamlet });
      } catch (error) {
        if (!live) return;
        const problem = error instanceof ApiError ? error.code : 'network';
        setLookup(problem === 'link.not-found' ? { status: 'refused', code: problem } : { status: 'offline' });
      }
    })();
    return () => {
      live = false;
    };
  }, [code]);

  if (code === null) {
    return (
      <Page title={t('welcome.title')}>
        <Notice tone="warn">{t('welcome.invalid')}</Notice>
        <CodeForm onCode={(typed) => navigate(routes.householdLink(typed), { replace: true })} />
      </Page>
    );
  }

  return (
    <Page title={t('welcome.title')}>
      <p className="welcome-intro">{t('welcome.intro')}</p>
      {lookup.status === 'named' && <p>{t('welcome.hamlet', { hamlet: lookup.hamlet })}</p>}
      {lookup.status === 'offline' && <Notice>{t('welcome.offline')}</Notice>}
      {lookup.status === 'refused' && <Notice tone="bad">{problemMessage(i18n, lookup.code)}</Notice>}
      <div className="actions">
        <Link className="button block main-action" to={routes.selfCheck()}>
          {t('welcome.start')}
        </Link>
      </div>
    </Page>
  );
}
