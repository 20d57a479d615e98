/**
 * The coaching guides are content (locales/<lang>/guides.json, the lazy `guides` namespace), not code:
 * `guide.<subSkillCode>.{title, summary, duration, needs[], steps[], warning, check}` and `skill.<skillCode>.intro`.
 * Keys are built from codes at run time, so they are read here, shape-checked, in the current language with
 * Vietnamese (the source) as the fallback. Both the guide screens and the self-check read them.
 */
import type { i18n as I18n } from 'i18next';
import type { SkillCode, SubSkillCode } from '../../shared/skills.ts';

export interface Guide {
  title: string;
  summary: string;
  duration: string;
  needs: string[];
  steps: string[];
  warning: string;
  check: string;
}

function resource(i18n: I18n, key: string): unknown {
  for (const lng of [i18n.language, 'vi']) {
    const value: unknown = i18n.getResource(lng, 'guides', key);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isText);

/** The guide of a sub-skill, or null when the content is missing or malformed (the screen says so). */
export function readGuide(i18n: I18n, code: SubSkillCode): Guide | null {
  const g = resource(i18n, `guide.${code}`);
  if (typeof g !== 'object' || g === null) return null;
  const r = g as Record<string, unknown>;
  if (!isText(r.title) || !isText(r.summary) || !isTextList(r.steps)) return null;
  return {
    title: r.title,
    summary: r.summary,
    duration: isText(r.duration) ? r.duration : '',
    needs: isTextList(r.needs) ? r.needs : [],
    steps: r.steps,
    warning: isText(r.warning) ? r.warning : '',
    check: isText(r.check) ? r.check : '',
  };
}

export function readSkillIntro(i18n: I18n, skill: SkillCode): string | null {
  const intro = resource(i18n, `skill.${skill}.intro`);
  return isText(intro) ? intro : null;
}
