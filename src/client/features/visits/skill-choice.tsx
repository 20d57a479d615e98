/**
 * One person × one skill: Chưa / Đã hướng dẫn / Thành thạo as native radios (arrow keys work, one tap chooses),
 * named "<person> — <skill>" for screen readers; the sub-skills covered fold out once something is marked.
 */
import { useTranslation } from 'react-i18next';
import type { Outcome } from '../../../shared/records.ts';
import { SUB_SKILLS, type SkillCode } from '../../../shared/skills.ts';
import type { SkillMark } from './visit-draft.ts';

const CHOICES = ['none', 'guided', 'proficient'] as const;

interface SkillChoiceProps {
  personId: string;
  personName: string;
  skill: SkillCode;
  mark: SkillMark | undefined;
  onOutcome: (outcome: Outcome | 'none') => void;
  onSubSkill: (subSkill: string) => void;
}

export function SkillChoice({ personId, personName, skill, mark, onOutcome, onSubSkill }: SkillChoiceProps) {
  const { t } = useTranslation(['visits', 'skills']);
  const current = mark?.outcome ?? 'none';
  const skillName = t(`skills:skill.${skill}`);
  const name = `${personId}-${skill}`;
  return (
    <div className="skill-row">
      <div role="radiogroup" aria-label={t('visits:skillGroup', { person: personName, skill: skillName })}>
        <span className="skill-name" aria-hidden="true">
          {skillName}
        </span>
        <div className="segmented">
          {CHOICES.map((c) => (
            <label key={c}>
              <input type="radio" name={name} value={c} checked={current === c} onChange={() => onOutcome(c)} />
              {t(`skills:outcome.${c}`)}
            </label>
          ))}
        </div>
      </div>
      {mark && (
        <details className="sub-skills">
          <summary>
            {mark.subSkills.length > 0
              ? t('visits:subSkillsChosen', { count: mark.subSkills.length })
              : t('visits:subSkills')}
          </summary>
          {SUB_SKILLS[skill].map((s) => (
            <label key={s}>
              <input type="checkbox" checked={mark.subSkills.includes(s)} onChange={() => onSubSkill(s)} />
              {t(`skills:subSkill.${s}`)}
            </label>
          ))}
        </details>
      )}
    </div>
  );
}
