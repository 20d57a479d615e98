/**
 * One team: where it works, its members with CCCD and phone masked, and what the person's role allows — show the
 * whole numbers (audited on the server), add, edit or remove members, import a list from a file, rename or delete
 * the team. Buttons a role may not use are not drawn; the server refuses them anyway.
 */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatVnPhone } from '../../../shared/phone.ts';
import type { MemberView, TeamDetail } from '../../../shared/roster.ts';
import { ApiError } from '../../lib/api.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { deleteTeam, getTeam, removeMember, revealMember } from './team-api.ts';
import { AccessNotice, LoadFailure, useDescribeError, useOnlineAccess } from './online-gate.tsx';
import { MemberForm } from './member-form.tsx';
import { TeamForm } from './team-form.tsx';
import { useRemote } from '../../lib/use-remote.ts';
import './team.css';

export function TeamPage() {
  const { teamId = '' } = useParams();
  const { t } = useTranslation('team');
  const access = useOnlineAccess();
  const { state, reload } = useRemote(access.kind === 'ready' ? teamId : null, getTeam);
  const title = state.status === 'ready' ? state.data.team.name : t('teams.title');
  return (
    <Page title={title} back={{ to: routes.teams(), label: t('team.back') }}>
      {access.kind !== 'ready' ? (
        <AccessNotice access={access} />
      ) : state.status === 'loading' ? (
        <p className="muted">{t('access.loading')}</p>
      ) : state.status === 'error' ? (
        <TeamLoadFailure error={state.error} retry={reload} />
      ) : (
        <TeamView detail={state.data} reload={reload} />
      )}
    </Page>
  );
}

function TeamLoadFailure({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useTranslation('team');
  if (error instanceof ApiError && error.code === 'not-found') return <Notice tone="warn">{t('team.notFound')}</Notice>;
  if (error instanceof ApiError && error.code === 'auth.forbidden') return <Notice tone="warn">{t('team.forbidden')}</Notice>;
  return <LoadFailure error={error} retry={retry} />;
}

function TeamView({ detail, reload }: { detail: TeamDetail; reload: () => void }) {
  const { t } = useTranslation('team');
  const navigate = useNavigate();
  const describe = useDescribeError();
  const { team, members, permissions } = detail;
  const [status, setStatus] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [mode, setMode] = useState<'view' | 'edit-team' | 'confirm-delete' | 'add-member'>('view');

  const done = (text: string) => {
    setStatus({ tone: 'ok', text });
    setMode('view');
    reload();
  };

  async function onDelete() {
    try {
      await deleteTeam(team.id);
      void navigate(routes.teams());
    } catch (error) {
      setMode('view');
      setStatus({ tone: 'bad', text: describe(error) });
    }
  }

  return (
    <>
      {status && <Notice tone={status.tone}>{status.text}</Notice>}
      <dl className="roster-facts">
        <dt>{t('team.commune')}</dt>
        <dd>{team.communeName}</dd>
        <dt>{t('team.hamlet')}</dt>
        <dd>{team.hamletName ?? t('team.wholeCommune')}</dd>
      </dl>
      {mode === 'edit-team' ? (
        <TeamForm team={team} onSaved={() => done(t('team.saved'))} onCancel={() => setMode('view')} />
      ) : (
        permissions.manageTeam && (
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => setMode('edit-team')}>
              {t('team.edit')}
            </button>
          </div>
        )
      )}

      <section aria-labelledby="team-members">
        <h2 id="team-members">
          {t('members.heading')} <span className="badge">{members.length}</span>
        </h2>
        {members.length === 0 && <p className="muted">{t('members.empty')}</p>}
        <ul className="roster-list">
          {members.map((m) => (
            <li key={m.id}>
              <MemberCard
                teamId={team.id}
                member={m}
                canEdit={permissions.editMembers}
                canReveal={permissions.reveal}
                onChanged={done}
              />
            </li>
          ))}
        </ul>
        {permissions.editMembers &&
          (mode === 'add-member' ? (
            <MemberForm
              teamId={team.id}
              onSaved={(m) => done(t('members.added', { name: m.fullName }))}
              onCancel={() => setMode('view')}
            />
          ) : (
            <div className="actions">
              <button type="button" className="button block" onClick={() => setMode('add-member')}>
                {t('members.add')}
              </button>
              <Link to={routes.importMembers(team.id)} className="button secondary block">
                {t('members.import')}
              </Link>
            </div>
          ))}
      </section>

      {permissions.deleteTeam &&
        (mode === 'confirm-delete' ? (
          <div className="roster-confirm" role="group" aria-label={t('team.delete')}>
            <p>{t('team.confirmDelete', { name: team.name })}</p>
            <div className="actions">
              <button type="button" className="button danger" onClick={() => void onDelete()}>
                {t('team.confirmDeleteButton')}
              </button>
              <button type="button" className="button secondary" onClick={() => setMode('view')}>
                {t('team.keep')}
              </button>
            </div>
          </div>
        ) : (
          <div className="actions roster-danger">
            <button type="button" className="button danger" onClick={() => setMode('confirm-delete')}>
              {t('team.delete')}
            </button>
          </div>
        ))}
    </>
  );
}

interface MemberCardProps {
  teamId: string;
  member: MemberView;
  canEdit: boolean;
  canReveal: boolean;
  onChanged: (message: string) => void;
}

function MemberCard({ teamId, member, canEdit, canReveal, onChanged }: MemberCardProps) {
  const { t } = useTranslation(['team', 'skills']);
  const describe = useDescribeError();
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-remove'>('view');
  const [revealed, setRevealed] = useState<{ cccd: string; phone: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (mode === 'edit') {
    return (
      <MemberForm
        teamId={teamId}
        member={member}
        onSaved={(m) => onChanged(t('team:members.updated', { name: m.fullName }))}
        onCancel={() => setMode('view')}
      />
    );
  }

  async function reveal() {
    setError(null);
    try {
      setRevealed(await revealMember(teamId, member.id));
    } catch (e) {
      setError(describe(e));
    }
  }

  async function remove() {
    try {
      await removeMember(teamId, member.id);
      onChanged(t('team:members.removed', { name: member.fullName }));
    } catch (e) {
      setMode('view');
      setError(describe(e));
    }
  }

  const details = [
    t(`team:role.${member.role}`),
    t(`team:affiliation.${member.affiliation}`),
    member.birthYear === null ? null : t('team:members.bornIn', { year: member.birthYear }),
    member.sex === null ? null : t(`skills:sex.${member.sex}`),
  ].filter((d): d is string => d !== null);

  return (
    <article className="roster-card" aria-label={member.fullName}>
      <h3>{member.fullName}</h3>
      <p className="muted">{details.join(' · ')}</p>
      <dl className="roster-facts roster-numbers">
        <dt>{t('team:members.cccd')}</dt>
        <dd className="number">{revealed ? revealed.cccd : member.cccd}</dd>
        <dt>{t('team:members.phone')}</dt>
        <dd className="number">
          {revealed ? (
            <a href={`tel:${revealed.phone}`} className="roster-phone" aria-label={t('team:members.call', { phone: formatVnPhone(revealed.phone) })}>
              {formatVnPhone(revealed.phone)}
            </a>
          ) : (
            member.phone
          )}
        </dd>
      </dl>
      {revealed && <p className="hint">{t('team:members.revealed')}</p>}
      {error && <Notice tone="bad">{error}</Notice>}
      {mode === 'confirm-remove' ? (
        <div className="roster-confirm" role="group" aria-label={t('team:members.removeLabel', { name: member.fullName })}>
          <p>{t('team:members.confirmRemove', { name: member.fullName })}</p>
          <div className="actions">
            <button type="button" className="button danger" onClick={() => void remove()}>
              {t('team:members.confirmRemoveButton')}
            </button>
            <button type="button" className="button secondary" onClick={() => setMode('view')}>
              {t('team:members.keep')}
            </button>
          </div>
        </div>
      ) : (
        (canReveal || canEdit) && (
          <div className="actions">
            {canReveal &&
              (revealed ? (
                <button type="button" className="button secondary" aria-label={t('team:members.hideLabel', { name: member.fullName })} onClick={() => setRevealed(null)}>
                  {t('team:members.hide')}
                </button>
              ) : (
                <button type="button" className="button secondary" aria-label={t('team:members.revealLabel', { name: member.fullName })} onClick={() => void reveal()}>
                  {t('team:members.reveal')}
                </button>
              ))}
            {canEdit && (
              <>
                <button type="button" className="button secondary" aria-label={t('team:members.editLabel', { name: member.fullName })} onClick={() => setMode('edit')}>
                  {t('team:members.edit')}
                </button>
                <button type="button" className="button danger" aria-label={t('team:members.removeLabel', { name: member.fullName })} onClick={() => setMode('confirm-remove')}>
                  {t('team:members.remove')}
                </button>
              </>
            )}
          </div>
        )
      )}
    </article>
  );
}
