/**
 * The hamlet at a glance: households visited and at target, people per skill, follow-ups due today. Read from the
 * running totals (getHamletOverview), so it costs two indexed reads whatever the hamlet's size, and updates live.
 */
import { Link, useParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { SKILL_CODES } from '../../../shared/skills.ts';
import { getHamlet } from '../../db/hamlets.ts';
import { getHamletOverview } from '../../db/overview.ts';
import { formatNumber, formatPercent, todayIso } from '../../lib/format.ts';
import { Page } from '../../ui/page.tsx';
import { Notice } from '../../ui/notice.tsx';
import { routes } from '../../app/routes.ts';
import './overview.css';

/** The registry's URL value for its "follow-up due" filter (features/households/search.ts). */
const FOLLOW_UP_DUE_QUERY = '?loc=den-hen';

export function OverviewPage() {
  const { hamletId = '' } = useParams();
  const { t } = useTranslation(['overview', 'skills']);
  const today = todayIso();
  const hamlet = useLiveQuery(async () => (await getHamlet(hamletId)) ?? null, [hamletId]);
  const overview = useLiveQuery(() => getHamletOverview(hamletId, today), [hamletId, today]);
  const back = { to: routes.households(hamletId), label: t('overview:backToRegistry') };

  if (hamlet === null) {
    return (
      <Page title={t('overview:titleLoading')} back={back}>
        <Notice tone="warn">{t('overview:hamletNotFound')}</Notice>
      </Page>
    );
  }
  const title = hamlet ? t('overview:title', { name: hamlet.name }) : t('overview:titleLoading');
  if (!overview) {
    return (
      <Page title={title} back={back}>
        <p role="status">{t('overview:loading')}</p>
      </Page>
    );
  }

  const { households, visited, atTarget, people, followUpsDue } = overview;
  return (
    <Page title={title} back={back}>
      {households === 0 ? (
        <Notice>{t('overview:empty')}</Notice>
      ) : (
        <>
          <div className="stats">
            <Stat label={t('overview:households')} value={formatNumber(households)} />
            <Stat
              label={t('overview:visited')}
              value={formatNumber(visited)}
              of={t('overview:ofTotal', { percent: formatPercent(visited, households) })}
            />
            <Stat
              label={t('overview:atTarget')}
              value={formatNumber(atTarget)}
              of={t('overview:ofTotal', { percent: formatPercent(atTarget, households) })}
            />
            <Stat label={t('overview:people')} value={formatNumber(people)} />
          </div>
          <p className="muted">{t('overview:atTargetHint')}</p>

          {followUpsDue > 0 ? (
            <Notice tone="warn">
              <p>{t('overview:followUpsDue', { count: followUpsDue, formatted: formatNumber(followUpsDue) })}</p>
              <div className="actions">
                <Link className="button" to={`${routes.households(hamletId)}${FOLLOW_UP_DUE_QUERY}`}>
                  {t('overview:openDue')}
                </Link>
              </div>
            </Notice>
          ) : (
            <Notice>{t('overview:noFollowUpsDue')}</Notice>
          )}

          <h2>{t('overview:skillsHeading')}</h2>
          <p className="muted">{t('overview:skillsHint', { people: formatNumber(people) })}</p>
          <ul className="skill-bars">
            {SKILL_CODES.map((skill) => {
              const proficient = overview.proficient[skill];
              const guided = overview.guided[skill];
              const share = (n: number) => (people === 0 ? 0 : (100 * n) / people);
              return (
                <li key={skill}>
                  <span className="skill-name">{t(`skills:skill.${skill}`)}</span>
                  <div className="bar" aria-hidden="true">
                    <div className="proficient" style={{ width: `${share(proficient)}%` }} />
                    <div className="guided" style={{ width: `${share(guided)}%` }} />
                  </div>
                  <div className="bar-legend">
                    <span>
                      {t('overview:proficient', {
                        value: formatNumber(proficient),
                        percent: formatPercent(proficient, people),
                      })}
                    </span>
                    <span>
                      {t('overview:guided', { value: formatNumber(guided), percent: formatPercent(guided, people) })}
                    </span>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Page>
  );
}

function Stat({ label, value, of }: { label: string; value: string; of?: string }) {
  return (
    <div className="stat">
      <span className="value">{value}</span>
      <span className="label">{label}</span>
      {of && <span className="of">{of}</span>}
    </div>
  );
}
