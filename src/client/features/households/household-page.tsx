/**
 * One household: who lives there, how far each person has come in the five skills (derived from the visit events
 * with progressByPerson, never stored), the follow-up date, and the visit history with its corrections.
 * "Ghi lần thăm" is the main action.
 */
import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { formatVnPhone } from '../../../shared/phone.ts';
import { isFollowUpDue, isProficientInAll, progressByPerson, type PersonProgress } from '../../../shared/progress.ts';
import { SKILL_CODES, type SubSkillCode } from '../../../shared/skills.ts';
import { latestSelfReported, type SelfCheckEvent } from '../../../shared/self-check.ts';
import type { OutcomeEntry } from '../../../shared/records.ts';
import { getDb, type LocalPerson } from '../../db/database.ts';
import { getHousehold, listMembers } from '../../db/households.ts';
import { listHouseholdVisits } from '../../db/visits.ts';
import { listHouseholdSelfChecks } from '../../db/self-checks.ts';
import { readReceipts } from '../../db/receipts.ts';
import { ownAuthorIds } from '../../db/sync-state.ts';
import { formatDate, formatNumber, todayIso } from '../../lib/format.ts';
import { Page } from '../../ui/page.tsx';
import { Notice } from '../../ui/notice.tsx';
import { routes } from '../../app/routes.ts';
import './households.css';

function wasJustSaved(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { saved?: unknown }).saved === true;
}

async function loadHousehold(householdId: string) {
  const household = await getHousehold(householdId);
  if (!household) return null;
  const [members, everyone, visits, selfChecks] = await Promise.all([
    listMembers(householdId),
    // Removed members too: their past visits stay in the history, under their name.
    getDb().people.where('householdId').equals(householdId).toArray(),
    listHouseholdVisits(householdId),
    listHouseholdSelfChecks(householdId),
  ]);
  // The "sent" badges: the receipts of the visits in force (read inside the live query, so a sync updates them).
  const receipts = await readReceipts(getDb().receipts, visits.map((v) => v.current.id));
  return { household, members, names: new Map(everyone.map((p) => [p.id, p.fullName])), visits, selfChecks, receipts };
}

export function HouseholdPage() {
  const { householdId = '' } = useParams();
  const location = useLocation();
  const { t } = useTranslation(['households', 'skills', 'self-check']);
  const data = useLiveQuery(() => loadHousehold(householdId), [householdId]);
  const [ownIds, setOwnIds] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    void ownAuthorIds().then((ids) => {
      if (live) setOwnIds(ids);
    });
    return () => {
      live = false;
    };
  }, []);

  if (data === null) {
    return (
      <Page title={t('households:page.notFound')}>
        <Notice tone="warn">{t('households:page.notFound')}</Notice>
      </Page>
    );
  }
  if (data === undefined) {
    return (
      <Page title={t('households:loading')}>
        <p role="status">{t('households:loading')}</p>
      </Page>
    );
  }

  const { household, members, names, visits, selfChecks, receipts } = data;
  const progress = progressByPerson(visits.map((v) => v.current));
  const atTarget = members.some((m) => isProficientInAll(progress.get(m.id)));
  const followUpOn = visits[0]?.current.followUpOn ?? null;
  const today = todayIso();

  return (
    <Page
      title={household.headName}
      back={{ to: routes.households(household.hamletId), label: t('households:page.backToRegistry') }}
    >
      {wasJustSaved(location.state) && <Notice tone="ok">{t('households:page.saved')}</Notice>}
      <p>
        <span className={atTarget ? 'badge ok' : 'badge'}>
          {atTarget ? t('households:page.atTarget') : t('households:page.notAtTarget')}
        </span>
      </p>
      <dl className="facts">
        <dt>{t('households:page.head')}</dt>
        <dd>{household.headName}</dd>
        {household.address && (
          <>
            <dt>{t('households:page.address')}</dt>
            <dd>{household.address}</dd>
          </>
        )}
        {household.phone && (
          <>
            <dt>{t('households:page.phone')}</dt>
            <dd>
              <a
                className="phone-link"
                href={`tel:${household.phone}`}
                aria-label={t('households:page.call', { phone: formatVnPhone(household.phone) })}
              >
                {formatVnPhone(household.phone)}
              </a>
            </dd>
          </>
        )}
        {household.note && (
          <>
            <dt>{t('households:page.note')}</dt>
            <dd>{household.note}</dd>
          </>
        )}
      </dl>
      {followUpOn &&
        (isFollowUpDue(followUpOn, today) ? (
          <Notice tone="warn">{t('households:page.followUpDue', { date: formatDate(followUpOn) })}</Notice>
        ) : (
          <Notice>{t('households:page.followUp', { date: formatDate(followUpOn) })}</Notice>
        ))}
      <div className="actions">
        <Link to={routes.newVisit(household.id)} className="button block main-action">
          {t('households:page.logVisit')}
        </Link>
        <Link to={routes.editHousehold(household.id)} className="button secondary block">
          {t('households:page.editHousehold')}
        </Link>
        <Link to={routes.householdCard(household.id)} className="button secondary block">
          {t('self-check:household.cardButton')}
        </Link>
      </div>

      <h2 id="progress-heading">{t('households:page.progressHeading')}</h2>
      {members.length === 0 ? (
        <p className="muted">{t('households:page.noMembers')}</p>
      ) : (
        <ProgressTable members={members} progress={progress} />
      )}
      <SelfReported checks={selfChecks} />

      <h2>{t('households:page.historyHeading')}</h2>
      {visits.length === 0 ? (
        <p className="muted">{t('households:page.noVisits')}</p>
      ) : (
        <ol className="list">
          {visits.map((v) => {
            const date = formatDate(v.current.visitedAt);
            return (
              <li key={v.rootId} className="visit-entry">
                <header>
                  <strong className="grow">{t('households:page.visitOn', { date })}</strong>
                  {v.corrections > 0 && <span className="badge">{t('households:page.corrected')}</span>}
                  <Link
                    to={routes.correctVisit(household.id, v.rootId)}
                    className="button secondary"
                    aria-label={t('households:page.correctLabel', { date })}
                  >
                    {t('households:page.correct')}
                  </Link>
                </header>
                <p className="muted">
                  {ownIds.includes(v.current.authorId)
                    ? t('households:page.byYou')
                    : t('households:page.bySomeoneElse')}
                  {' · '}
                  <SentReceipt receipt={receipts.get(v.current.id) ?? null} />
                </p>
                <VisitOutcomes outcomes={v.current.outcomes} names={names} />
                {v.current.notes && <p>{t('households:page.notes', { notes: v.current.notes })}</p>}
                {v.current.followUpOn && (
                  <p>{t('households:page.visitFollowUp', { date: formatDate(v.current.followUpOn) })}</p>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </Page>
  );
}

/**
 * Whether the visit in force has reached the server, in words (not colour alone): the receipt is the server sequence
 * number the sync engine stores for the visit (db/receipts.ts) once the server has kept it.
 */
function SentReceipt({ receipt }: { receipt: number | null }) {
  const { t } = useTranslation('households');
  return receipt === null ? (
    <span className="badge">{t('page.notSent')}</span>
  ) : (
    <span className="badge ok">{t('page.sent', { number: formatNumber(receipt) })}</span>
  );
}

function ProgressTable({ members, progress }: { members: readonly LocalPerson[]; progress: Map<string, PersonProgress> }) {
  const { t } = useTranslation(['households', 'skills']);
  return (
    <div className="table-wrap">
      <table className="progress-table" aria-labelledby="progress-heading">
        <caption className="visually-hidden">{t('households:page.progressCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('households:page.memberColumn')}</th>
            {SKILL_CODES.map((s) => (
              <th key={s} scope="col">
                <abbr title={t(`skills:skill.${s}`)}>{t(`skills:skillShort.${s}`)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const p = progress.get(m.id);
            return (
              <tr key={m.id}>
                <th scope="row">{m.fullName}</th>
                {SKILL_CODES.map((s) => {
                  const status = p?.[s];
                  const outcome = status?.outcome ?? 'none';
                  return (
                    <td key={s} data-label={t(`skills:skillShort.${s}`)}>
                      <span className={`outcome-${outcome}`}>{t(`skills:outcome.${outcome}`)}</span>
                      {status && <span className="cell-date">{formatDate(status.visitedAt)}</span>}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function VisitOutcomes({ outcomes, names }: { outcomes: readonly OutcomeEntry[]; names: Map<string, string> }) {
  const { t } = useTranslation(['households', 'skills']);
  if (outcomes.length === 0) return <p className="muted">{t('households:page.noOutcomes')}</p>;
  const byPerson = new Map<string, OutcomeEntry[]>();
  for (const o of outcomes) {
    const list = byPerson.get(o.personId);
    if (list) list.push(o);
    else byPerson.set(o.personId, [o]);
  }
  return (
    <ul>
      {[...byPerson].map(([personId, entries]) => {
        const covered = entries.flatMap((e) => e.subSkills);
        return (
          <li key={personId}>
            <strong>{names.get(personId) ?? t('households:page.formerMember')}</strong>:{' '}
            {entries
              .map((e) => `${t(`skills:skillShort.${e.skill}`)} — ${t(`skills:outcome.${e.outcome}`)}`)
              .join('; ')}
            {covered.length > 0 && (
              <span className="muted">
                {' '}
                ({t('households:page.covered', {
                  list: covered.map((c) => t(`skills:subSkill.${c as SubSkillCode}`)).join(', '),
                })})
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * What residents said about themselves (self-checks sent through the household card), per skill from the latest
 * self-check that answered it. Labelled "Tự đánh giá" and kept apart from the observed table above: beside, never
 * instead of, what a volunteer saw.
 */
function SelfReported({ checks }: { checks: readonly SelfCheckEvent[] }) {
  const { t } = useTranslation(['self-check', 'skills']);
  const bySkill = latestSelfReported(checks);
  const latest = checks.reduce<string | null>((a, c) => (a === null || c.receivedAt > a ? c.receivedAt : a), null);
  return (
    <section aria-labelledby="self-reported-heading" className="self-reported">
      <h2 id="self-reported-heading">
        {t('self-check:household.heading')} <span className="badge warn">{t('self-check:household.label')}</span>
      </h2>
      <p className="muted">{t('self-check:household.intro')}</p>
      {checks.length === 0 ? (
        <p className="muted">{t('self-check:household.none')}</p>
      ) : (
        <>
          <ul className="list">
            {SKILL_CODES.map((s) => {
              const r = bySkill[s];
              return (
                <li key={s} className="self-reported-row">
                  <span className="grow">{t(`skills:skill.${s}`)}</span>
                  <span className={`self-level-${r?.level ?? 'none'}`}>
                    {t(`self-check:level.${r?.level ?? 'none'}`)}
                    {r && <span className="cell-date">{formatDate(r.answeredAt)}</span>}
                  </span>
                </li>
              );
            })}
          </ul>
          {latest && (
            <p className="muted">
              {t('self-check:household.entry', { date: formatDate(latest) })} · {formatNumber(checks.length)}
            </p>
          )}
        </>
      )}
    </section>
  );
}
