/**
 * The questions of one skill: per sub-skill, the guide's first-person sentence ("Tôi tự cài được VNeID…") and three
 * big choices — alone, with help, not yet. Each choice is saved on the device at once; "Xong" goes back to the
 * results. Every question links to its guide.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { SELF_ANSWERS, type SelfAnswer } from '../../../shared/self-check.ts';
import { isSkillCode, SKILL_CODES, SUB_SKILLS, type SkillCode, type SubSkillCode } from '../../../shared/skills.ts';
import { getSelfCheckDraft, saveSelfCheckAnswers } from '../../db/self-checks.ts';
import { readGuide, readSkillIntro } from '../../lib/guide-content.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import './self-check.css';

export function SelfCheckSkillPage() {
  const { skill = '' } = useParams();
  const { t, i18n } = useTranslation(['self-check', 'skills']);
  const draft = useLiveQuery(getSelfCheckDraft, []);
  const back = { to: routes.selfCheck(), label: t('self-check:skillPage.back') };

  if (!isSkillCode(skill)) {
    return (
      <Page title={t('self-check:skillPage.unknownSkill')} back={back}>
        <Notice tone="warn">{t('self-check:skillPage.unknownSkill')}</Notice>
      </Page>
    );
  }
  const intro = readSkillIntro(i18n, skill);
  const nextSkill: SkillCode | undefined = SKILL_CODES[SKILL_CODES.indexOf(skill) + 1];

  return (
    <Page title={t(`skills:skill.${skill}`)} back={back}>
      {intro && <p>{intro}</p>}
      <p>{t('self-check:skillPage.intro')}</p>
      {draft === undefined ? (
        <p role="status">{t('self-check:page.loading')}</p>
      ) : (
        (SUB_SKILLS[skill] as readonly SubSkillCode[]).map((sub) => (
          <Question key={sub} code={sub} answer={draft.answers[sub]} />
        ))
      )}
      <div className="actions">
        <Link className="button block main-action" to={routes.selfCheck()}>
          {t('self-check:skillPage.done')}
        </Link>
        {nextSkill && (
          <Link className="button secondary block" to={routes.selfCheckSkill(nextSkill)}>
            {t('self-check:skillPage.nextSkill', { skill: t(`skills:skill.${nextSkill}`) })}
          </Link>
        )}
      </div>
    </Page>
  );
}

function Question({ code, answer: saved }: { code: SubSkillCode; answer: SelfAnswer | undefined }) {
  const { t, i18n } = useTranslation(['self-check', 'skills']);
  // The choice shows at once; the saved draft (read back from IndexedDB) follows a moment later. This question is
  // the only writer of its answer on the screen, so its own last choice is the truth until it leaves.
  const [chosen, setChosen] = useState<SelfAnswer | null | undefined>(undefined);
  const answer = chosen === undefined ? saved : (chosen ?? undefined);
  const choose = (value: SelfAnswer | null) => {
    setChosen(value);
    void saveSelfCheckAnswers({ [code]: value });
  };
  const guide = readGuide(i18n, code);
  const label = t(`skills:subSkill.${code}`);
  const question = guide?.check || label;
  const name = `answer-${code}`;
  return (
    <fieldset className="question">
      <legend>{question}</legend>
      <div className="answer-options">
        {SELF_ANSWERS.map((a) => (
          <label key={a} className={`answer-option answer-${a}`}>
            <input
              type="radio"
              name={name}
              value={a}
              checked={answer === a}
              onChange={() => choose(a)}
            />
            <span>{t(`self-check:answer.${a}`)}</span>
          </label>
        ))}
      </div>
      <div className="question-tools">
        <Link to={routes.guide(code)}>{t('self-check:skillPage.seeGuide', { title: guide?.title ?? label })}</Link>
        {answer !== undefined && (
          <button
            type="button"
            className="button ghost"
            aria-label={t('self-check:skillPage.clearLabel', { subSkill: label })}
            onClick={() => choose(null)}
          >
            {t('self-check:skillPage.clear')}
          </button>
        )}
      </div>
    </fieldset>
  );
}
