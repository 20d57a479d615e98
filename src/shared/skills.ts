/**
 * The five basic digital skills of the national programme (Tổ công nghệ số cộng đồng) and their sub-skills.
 * Codes are stable identifiers that travel in records and reports; the words people read live in
 * locales/<lang>/skills.json under `skill.<code>` and `subSkill.<code>`.
 */

export const SKILL_CODES = [
  'public-services',
  'online-shopping',
  'online-payment',
  'online-safety',
  'local-platforms',
] as const;

export type SkillCode = (typeof SKILL_CODES)[number];

export const SUB_SKILLS = {
  'public-services': [
    'vneid-install',
    'vneid-level2',
    'public-portal-login',
    'public-portal-submit',
    'public-service-fee-online',
  ],
  'online-shopping': [
    'shop-seller-ratings',
    'shop-cash-on-delivery',
    'shop-track-order',
    'shop-return-complaint',
  ],
  'online-payment': [
    'bank-ekyc-account',
    'pay-vietqr',
    'pay-bills-online',
    'pay-transaction-limits',
  ],
  'online-safety': [
    'safety-never-share-otp',
    'safety-fake-calls',
    'safety-fake-links',
    'safety-report-scams',
    'safety-strong-passwords',
  ],
  'local-platforms': [
    'local-citizen-app',
    'local-hotline-feedback',
    'local-digital-agriculture',
  ],
} as const satisfies Record<SkillCode, readonly string[]>;

export type SubSkillCode = (typeof SUB_SKILLS)[SkillCode][number];

export const ALL_SUB_SKILLS: readonly SubSkillCode[] = SKILL_CODES.flatMap((s) => SUB_SKILLS[s]);

export function isSkillCode(value: string): value is SkillCode {
  return (SKILL_CODES as readonly string[]).includes(value);
}

export function skillOfSubSkill(code: SubSkillCode): SkillCode {
  for (const skill of SKILL_CODES) {
    if ((SUB_SKILLS[skill] as readonly string[]).includes(code)) return skill;
  }
  // The type makes this unreachable; a wrong code at runtime is a programming error.
  throw new Error(`unknown sub-skill ${code}`);
}
