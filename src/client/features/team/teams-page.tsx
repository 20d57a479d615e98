/**
 * The teams of the user's scope (sorted in Vietnamese order), a way to create one for admins and coordinators, and
 * the household import for those who may run it. Online only: the gate says so when offline or not logged in.
 */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { viCollator } from '../../../shared/text-fold.ts';
import type { Session } from '../../db/sync-state.ts';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { listTeams } from './team-api.ts';
import { LoadFailure, OnlineGate } from './online-gate.tsx';
import { TeamForm } from './team-form.tsx';
import { useRemote } from '../../lib/use-remote.ts';
import './team.css';

const loadTeams = () => listTeams();

/** Roles that may import households into a hamlet of their commune. */
export const IMPORTING_ROLES = ['admin', 'coordinator', 'team-leader'];

export function TeamsPage() {
  const { t } = useTranslation('team');
  return (
    <Page title={t('teams.title')}>
      <OnlineGate>{(session) => <TeamList session={session} />}</OnlineGate>
    </Page>
  );
}

function TeamList({ session }: { session: Session }) {
  const { t } = useTranslation('team');
  const navigate = useNavigate();
  const { state, reload } = useRemote(session.user.id, loadTeams);
  const [creating, setCreating] = useState(false);

  if (state.status === 'loading') return <p className="muted">{t('access.loading')}</p>;
  if (state.status === 'error') return <LoadFailure error={state.error} retry={reload} />;
  const teams = [...state.data.teams].sort(
    (a, b) => viCollator().compare(a.name, b.name) || viCollator().compare(a.communeName, b.communeName),
  );
  return (
    <>
      <p>{t('teams.intro')}</p>
      {teams.length === 0 ? (
        <p className="muted">{t('teams.empty')}</p>
      ) : (
        <ul className="list">
          {teams.map((team) => (
            <li key={team.id}>
              <Link to={routes.team(team.id)} className="list-link">
                <span className="grow">
                  {team.name}
                  <span className="sub">{team.hamletName ? `${team.hamletName} · ${team.communeName}` : team.communeName}</span>
                </span>
                <span className="badge">{t('teams.memberCount', { count: team.memberCount })}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {state.data.canCreate &&
        (creating ? (
          <TeamForm onSaved={(team) => void navigate(routes.team(team.id))} onCancel={() => setCreating(false)} />
        ) : (
          <div className="actions">
            <button type="button" className="button block" onClick={() => setCreating(true)}>
              {t('teams.create')}
            </button>
          </div>
        ))}
      {IMPORTING_ROLES.includes(session.user.role) && (
        <div className="actions">
          <Link to={routes.importHouseholds()} className="button secondary block">
            {t('teams.importHouseholds')}
          </Link>
        </div>
      )}
    </>
  );
}
