/**
 * The two import screens: a team's member list (from the team page), and households into a hamlet of a commune in
 * the person's scope (from the teams page). Both are the same ImportPanel with their columns and words.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  AFFILIATION_WORDS,
  HOUSEHOLD_COLUMNS,
  MEMBER_COLUMNS,
  RELATION_WORDS,
  SEX_WORDS,
  TEAM_ROLE_WORDS,
} from '../../../shared/roster.ts';
import { formatNumber } from '../../lib/format.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { SelectField } from '../../ui/field.tsx';
import { routes } from '../../app/routes.ts';
import { getTeam, listCommunes, listHamlets } from './team-api.ts';
import { AccessNotice, LoadFailure, useDescribeError, useOnlineAccess } from './online-gate.tsx';
import { ImportPanel } from './import-panel.tsx';
import { IMPORTING_ROLES } from './teams-page.tsx';
import { useRemote } from '../../lib/use-remote.ts';
import './team.css';

const firstWords = (words: Record<string, readonly string[]>) => Object.values(words).map((w) => w[0] ?? '');

const MEMBER_WORDS = {
  sex: firstWords(SEX_WORDS),
  affiliation: firstWords(AFFILIATION_WORDS),
  role: firstWords(TEAM_ROLE_WORDS),
};
const HOUSEHOLD_WORDS = { relation: firstWords(RELATION_WORDS), sex: firstWords(SEX_WORDS) };

export function ImportMembersPage() {
  const { teamId = '' } = useParams();
  const { t } = useTranslation('team');
  const access = useOnlineAccess();
  const { state, reload } = useRemote(access.kind === 'ready' ? teamId : null, getTeam);
  const back = { to: routes.team(teamId), label: t('import.backToTeam') };
  return (
    <Page title={t('import.membersTitle')} back={back}>
      {access.kind !== 'ready' ? (
        <AccessNotice access={access} />
      ) : state.status === 'loading' ? (
        <p className="muted">{t('access.loading')}</p>
      ) : state.status === 'error' ? (
        <LoadFailure error={state.error} retry={reload} />
      ) : !state.data.permissions.editMembers ? (
        <Notice tone="warn">{t('team.forbidden')}</Notice>
      ) : (
        <>
          <p>
            <strong>{state.data.team.name}</strong> — {state.data.team.communeName}
          </p>
          <p>{t('import.membersIntro')}</p>
          <ImportPanel
            target={{ kind: 'members', teamId }}
            columns={MEMBER_COLUMNS}
            words={MEMBER_WORDS}
            templateFileName="mau-danh-sach-thanh-vien-to.csv"
            renderDone={(result) => (
              <>
                <Notice tone="ok">{t('import.doneMembers', { count: result.recordCount })}</Notice>
                <Link to={routes.team(teamId)} className="button block">
                  {t('import.backToTeam')}
                </Link>
              </>
            )}
          />
        </>
      )}
    </Page>
  );
}

const loadCommunes = () => listCommunes();

export function ImportHouseholdsPage() {
  const { t } = useTranslation('team');
  const access = useOnlineAccess();
  const allowed = access.kind === 'ready' && IMPORTING_ROLES.includes(access.session.user.role);
  return (
    <Page title={t('import.householdsTitle')} back={{ to: routes.teams(), label: t('team.back') }}>
      {access.kind !== 'ready' ? (
        <AccessNotice access={access} />
      ) : !allowed ? (
        <Notice tone="warn">{t('team.forbidden')}</Notice>
      ) : (
        <HouseholdImport userId={access.session.user.id} />
      )}
    </Page>
  );
}

function HouseholdImport({ userId }: { userId: string }) {
  const { t } = useTranslation('team');
  const describe = useDescribeError();
  const communes = useRemote(userId, loadCommunes);
  const [chosenCommune, setChosenCommune] = useState('');
  const [hamletId, setHamletId] = useState('');
  const communeOptions = communes.state.status === 'ready' ? communes.state.data : [];
  const communeCode = chosenCommune || (communeOptions.length === 1 ? (communeOptions[0]?.code ?? '') : '');
  const hamlets = useRemote(communeCode === '' ? null : communeCode, listHamlets);
  const hamletOptions = hamlets.state.status === 'ready' ? hamlets.state.data : [];

  if (communes.state.status === 'error') return <LoadFailure error={communes.state.error} retry={communes.reload} />;
  return (
    <>
      <p>{t('import.householdsIntro')}</p>
      <SelectField
        label={t('import.commune')}
        value={communeCode}
        onChange={(e) => {
          setChosenCommune(e.target.value);
          setHamletId('');
        }}
        disabled={communes.state.status !== 'ready'}
      >
        <option value="">{communes.state.status === 'loading' ? t('access.loading') : t('import.chooseCommune')}</option>
        {communeOptions.map((c) => (
          <option key={c.code} value={c.code}>{c.name}</option>
        ))}
      </SelectField>
      <SelectField
        label={t('import.hamlet')}
        value={hamletId}
        onChange={(e) => setHamletId(e.target.value)}
        disabled={hamletOptions.length === 0}
      >
        <option value="">{t('import.chooseHamlet')}</option>
        {hamletOptions.map((h) => (
          <option key={h.id} value={h.id}>{h.name}</option>
        ))}
      </SelectField>
      {hamlets.state.status === 'error' && <Notice tone="bad">{describe(hamlets.state.error)}</Notice>}
      {hamlets.state.status === 'ready' && hamletOptions.length === 0 && (
        <Notice tone="warn">
          {t('import.noHamlets')}{' '}
          <Link to={routes.hamlets()}>{t('import.openHamlets')}</Link>
        </Notice>
      )}
      <ImportPanel
        target={hamletId === '' ? null : { kind: 'households', hamletId }}
        columns={HOUSEHOLD_COLUMNS}
        words={HOUSEHOLD_WORDS}
        templateFileName="mau-danh-sach-ho-dan.csv"
        renderDone={(result) => (
          <>
            <Notice tone="ok">
              {t('import.doneHouseholds', { households: formatNumber(result.recordCount), people: formatNumber(result.personCount) })}
            </Notice>
            <Link to={routes.teams()} className="button block">
              {t('team.back')}
            </Link>
          </>
        )}
      />
    </>
  );
}
