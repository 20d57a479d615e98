/**
 * One coaching guide, read aloud by a volunteer or by a resident alone: what you will be able to do, how long it
 * takes, what to have ready, numbered steps in large type, the safety warning, and the self-check question with a
 * link to answer it. Previous/next lead through the skill's other guides.
 */
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ALL_SUB_SKILLS, SUB_SKILLS, skillOfSubSkill, type SubSkillCode } from '../../../shared/skills.ts';
import { readGuide } from '../../lib/guide-content.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import './guides.css';

const isSubSkill = (v: string): v is SubSkillCode => (ALL_SUB_SKILLS as readonly string[]).includes(v);

export function GuidePage() {
  const { subSkill = '' } = useParams();
  const { t, i18n } = useTranslation(['self-check', 'skills']);
  const back = { to: routes.guides(), label: t('self-check:guide.back') };

  if (!isSubSkill(subSkill)) {
    return (
      <Page title={t('self-check:guide.unknown')} back={back}>
        <Notice tone="warn">{t('self-check:guide.unknown')}</Notice>
        <Link className="button" to={routes.guides()}>{t('self-check:guide.back')}</Link>
      </Page>
    );
  }

  const skill = skillOfSubSkill(subSkill);
  const guide = readGuide(i18n, subSkill);
  const siblings = SUB_SKILLS[skill] as readonly SubSkillCode[];
  const index = siblings.indexOf(subSkill);
  const previous = index > 0 ? siblings[index - 1] : undefined;
  const next = index < siblings.length - 1 ? siblings[index + 1] : undefined;
  const titleOf = (code: SubSkillCode) => readGuide(i18n, code)?.title ?? t(`skills:subSkill.${code}`);

  return (
    <Page title={guide?.title ?? t(`skills:subSkill.${subSkill}`)} back={back}>
      <article className="guide">
        <p className="guide-skill-name">{t(`skills:skill.${skill}`)}</p>
        {guide === null ? (
          <Notice tone="warn">{t('self-check:guide.missing')}</Notice>
        ) : (
          <>
            <p className="guide-summary">{guide.summary}</p>
            {guide.duration && <p className="muted">{t('self-check:guide.duration', { duration: guide.duration })}</p>}
            {guide.needs.length > 0 && (
              <section aria-labelledby="guide-needs">
                <h2 id="guide-needs">{t('self-check:guide.needsHeading')}</h2>
                <ul className="guide-needs">
                  {guide.needs.map((need) => <li key={need}>{need}</li>)}
                </ul>
              </section>
            )}
            <section aria-labelledby="guide-steps">
              <h2 id="guide-steps">{t('self-check:guide.stepsHeading')}</h2>
              <ol className="guide-steps">
                {guide.steps.map((step, i) => (
                  <li key={i}>
                    <span className="visually-hidden">{t('self-check:guide.stepLabel', { number: i + 1 })}: </span>
                    {step}
                  </li>
                ))}
              </ol>
            </section>
            {guide.warning && (
              <section aria-labelledby="guide-warning" className="guide-warning">
                <h2 id="guide-warning">{t('self-check:guide.warningHeading')}</h2>
                <p>{guide.warning}</p>
              </section>
            )}
            {guide.check && (
              <section aria-labelledby="guide-check" className="card">
                <h2 id="guide-check">{t('self-check:guide.checkHeading')}</h2>
                <p>{guide.check}</p>
                <Link className="button secondary block" to={routes.selfCheckSkill(skill)}>
                  {t('self-check:guide.checkLink')}
                </Link>
              </section>
            )}
          </>
        )}
        <nav className="guide-pager" aria-label={t('self-check:guide.otherGuides')}>
          {previous && (
            <Link className="button secondary" to={routes.guide(previous)} rel="prev">
              {t('self-check:guide.previous', { title: titleOf(previous) })}
            </Link>
          )}
          {next && (
            <Link className="button secondary" to={routes.guide(next)} rel="next">
              {t('self-check:guide.next', { title: titleOf(next) })}
            </Link>
          )}
        </nav>
      </article>
    </Page>
  );
}
