/**
 * The coaching guides, by skill: each skill's intro and its sub-skills' guides (title, summary, duration). Content
 * comes from the `guides` namespace (lib/guide-content.ts); this screen and its strings are a lazy chunk, precached
 * by the service worker, so the guides open offline.
 */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SKILL_CODES, SUB_SKILLS } from '../../../shared/skills.ts';
import { readGuide, readSkillIntro } from '../../lib/guide-content.ts';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import './guides.css';

export function GuidesPage() {
  const { t, i18n } = useTranslation(['self-check', 'skills']);
  return (
    <Page title={t('self-check:guide.indexTitle')}>
      <p>{t('self-check:guide.indexIntro')}</p>
      {SKILL_CODES.map((skill) => {
        const intro = readSkillIntro(i18n, skill);
        const headingId = `guides-${skill}`;
        return (
          <section key={skill} aria-labelledby={headingId} className="guide-skill">
            <h2 id={headingId}>{t(`skills:skill.${skill}`)}</h2>
            {intro && <p>{intro}</p>}
            <p className="muted">{t('self-check:guide.guideCount', { count: SUB_SKILLS[skill].length })}</p>
            <ul className="list">
              {SUB_SKILLS[skill].map((code) => {
                const guide = readGuide(i18n, code);
                return (
                  <li key={code}>
                    <Link className="list-link" to={routes.guide(code)}>
                      <span className="grow">
                        {guide?.title ?? t(`skills:subSkill.${code}`)}
                        {guide && (
                          <span className="sub">
                            {guide.summary}
                            {guide.duration && ` · ${guide.duration}`}
                          </span>
                        )}
                      </span>
                      <span aria-hidden="true">›</span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </Page>
  );
}
