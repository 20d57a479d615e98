/**
 * Progress per skill: one bar per skill (proficient, then guided, as shares of the people counted), drawn with
 * CSS. The bars are decoration; every figure is written out beside them, so a screen reader misses nothing.
 */
import { useTranslation } from 'react-i18next';
import type { Totals } from '../../../shared/totals.ts';
import { formatNumber, formatPercent } from '../../lib/format.ts';

export function SkillChart({ totals }: { totals: Totals }) {
  const { t } = useTranslation(['reports', 'skills']);
  const people = totals.people;
  const share = (n: number) => (people === 0 ? 0 : Math.min(100, (100 * n) / people));
  return (
    <section className="report-section" aria-labelledby="report-skills">
      <h2 id="report-skills">{t('reports:charts.skills')}</h2>
      <ul className="report-skill-bars">
        {totals.skills.map((s) => (
          <li key={s.skill}>
            <span className="skill-name">{t(`skills:skill.${s.skill}`)}</span>
            <div className="bar" aria-hidden="true">
              <div className="proficient" style={{ width: `${share(s.proficient)}%` }} />
              <div className="guided" style={{ width: `${share(s.guided)}%` }} />
            </div>
            <p className="bar-legend">
              <span>
                {t('reports:metric.proficient')}: {formatNumber(s.proficient)} ({formatPercent(s.proficient, people)})
              </span>
              <span>
                {t('reports:metric.guided')}: {formatNumber(s.guided)} ({formatPercent(s.guided, people)})
              </span>
              <span className="self">
                {t('reports:metric.selfReportedAlone')}: {formatNumber(s.selfReportedAlone)}
              </span>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
