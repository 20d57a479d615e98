/**
 * The resident's self-check, no account, offline: the five skills with how far the resident says they are and what
 * to learn next (linked to its guide); each skill opens its questions. With a household code (from the card's QR
 * code or typed here) the answers can be sent to the household: queued on the device, sent when online.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { formatLinkCode } from '../../../shared/household-link.ts';
import { skillSelfProgress, type SkillSelfProgress } from '../../../shared/self-check.ts';
import { SKILL_CODES } from '../../../shared/skills.ts';
import type { SelfCheckDraft, SelfCheckSend } from '../../db/database.ts';
import {
  clearSelfCheckLink,
  getSelfCheckDraft,
  getSelfCheckSend,
  listSends,
  queueSelfCheckSend,
  setSelfCheckLink,
} from '../../db/self-checks.ts';
import { readGuide } from '../../lib/guide-content.ts';
import { formatDateTime } from '../../lib/format.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { CodeForm } from './code-form.tsx';
import { sendQueuedSelfChecks } from './self-check-sender.ts';
import './self-check.css';

export function SelfCheckPage() {
  const { t } = useTranslation('self-check');
  const draft = useLiveQuery(getSelfCheckDraft, []);
  const sends = useLiveQuery(listSends, []);
  // Whatever waits from an earlier visit goes out as soon as the resident opens the page with a network.
  useEffect(() => {
    void sendQueuedSelfChecks().catch(() => undefined);
  }, []);

  if (draft === undefined || sends === undefined) {
    return (
      <Page title={t('page.title')}>
        <p role="status">{t('page.loading')}</p>
      </Page>
    );
  }
  return (
    <Page title={t('page.title')}>
      <p>{t('page.intro')}</p>
      <section aria-labelledby="self-check-skills">
        <h2 id="self-check-skills">{t('page.skillsHeading')}</h2>
        <ul className="self-check-skills">
          {SKILL_CODES.map((skill) => (
            <SkillCard key={skill} progress={skillSelfProgress(draft.answers, skill)} />
          ))}
        </ul>
        <p>
          <Link to={routes.guides()}>{t('page.guidesLink')}</Link>
        </p>
      </section>
      <SendSection draft={draft} sends={sends} />
    </Page>
  );
}

function SkillCard({ progress }: { progress: SkillSelfProgress }) {
  const { t, i18n } = useTranslation(['self-check', 'skills']);
  const { skill, level, next } = progress;
  const name = t(`skills:skill.${skill}`);
  const answered = progress.alone + progress.withHelp + progress.notYet > 0;
  return (
    <li className="card self-check-skill">
      <h3>{name}</h3>
      <p>
        <span className={`badge level-${level ?? 'none'}`}>{t(`self-check:level.${level ?? 'none'}`)}</span>{' '}
        {answered && <span>{t('self-check:page.progress', { alone: progress.alone, total: progress.total })}</span>}
      </p>
      {answered && next !== null && (
        <p>
          <Link to={routes.guide(next)}>
            {t('self-check:page.next', { subSkill: readGuide(i18n, next)?.title ?? t(`skills:subSkill.${next}`) })}
          </Link>
        </p>
      )}
      {answered && next === null && <p className="ok-text">{t('self-check:page.allDone')}</p>}
      <Link
        className={answered ? 'button secondary block' : 'button block'}
        to={routes.selfCheckSkill(skill)}
        aria-label={t(answered ? 'self-check:page.editLabel' : 'self-check:page.answerLabel', { skill: name })}
      >
        {t(answered ? 'self-check:page.edit' : 'self-check:page.answer')}
      </Link>
    </li>
  );
}

function SendSection({ draft, sends }: { draft: SelfCheckDraft; sends: SelfCheckSend[] }) {
  const { t, i18n } = useTranslation('self-check');
  const [message, setMessage] = useState<{ tone: 'ok' | 'warn' | 'bad'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const hasAnswers = Object.keys(draft.answers).length > 0;

  const send = async () => {
    if (!hasAnswers) {
      setMessage({ tone: 'warn', text: t('link.nothingToSend') });
      return;
    }
    setBusy(true);
    try {
      const queued = await queueSelfCheckSend();
      await sendQueuedSelfChecks();
      const after = await getSelfCheckSend(queued.id);
      if (after?.state === 'sent') setMessage({ tone: 'ok', text: t('link.sentNow') });
      else if (after?.state === 'refused') {
        setMessage({ tone: 'bad', text: problemMessage(i18n, after.lastError ?? '') ?? t('link.refusedNow') });
      }
      else setMessage({ tone: 'ok', text: t('link.queuedOffline') });
    } finally {
      setBusy(false);
    }
  };

  const retry = async () => {
    setBusy(true);
    try {
      await sendQueuedSelfChecks();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="self-check-send" className="self-check-send">
      <h2 id="self-check-send">{t('link.heading')}</h2>
      {draft.link === null ? (
        <>
          <p>{t('link.intro')}</p>
          <CodeForm onCode={(code) => setSelfCheckLink(code)} />
        </>
      ) : (
        <>
          <p>
            {draft.link.hamletName
              ? t('link.linkedHamlet', { hamlet: draft.link.hamletName, code: formatLinkCode(draft.link.code) })
              : t('link.linked', { code: formatLinkCode(draft.link.code) })}
          </p>
          <p className="muted">{t('link.sendHint')}</p>
          {message && <Notice tone={message.tone}>{message.text}</Notice>}
          <div className="actions">
            <button type="button" className="button block main-action" disabled={busy} onClick={() => void send()}>
              {t('link.send')}
            </button>
            <button type="button" className="button secondary block" onClick={() => void clearSelfCheckLink()}>
              {t('link.changeCode')}
            </button>
          </div>
        </>
      )}
      {sends.length > 0 && <SendsList sends={sends} />}
      {sends.some((s) => s.state === 'queued') && (
        <button type="button" className="button secondary block" disabled={busy} onClick={() => void retry()}>
          {t('link.retryNow')}
        </button>
      )}
    </section>
  );
}

function SendsList({ sends }: { sends: SelfCheckSend[] }) {
  const { t, i18n } = useTranslation('self-check');
  return (
    <>
      <h3>{t('link.sendsHeading')}</h3>
      <ul className="list">
        {sends.map((s) => (
          <li key={s.id} className="send-entry">
            <span className={`badge ${s.state === 'sent' ? 'ok' : s.state === 'refused' ? 'bad' : 'warn'}`}>
              {t(`link.state.${s.state}`)}
            </span>{' '}
            {t('link.sendEntry', { date: formatDateTime(s.answeredAt) })}
            {s.state === 'sent' && s.sentAt && <span className="sub">{t('link.sentAt', { date: formatDateTime(s.sentAt) })}</span>}
            {s.state === 'queued' && s.lastError && <span className="sub">{t('link.retryLater')}</span>}
            {s.state === 'refused' && s.lastError && (
              <span className="sub">{problemMessage(i18n, s.lastError) ?? s.lastError}</span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
