/**
 * Export buttons: the summary as CSV, Excel or an A4 printout, and one row per household as CSV or Excel. Each asks
 * the server for a short-lived signed link (the login token never goes in a URL) and follows it: files download,
 * the A4 page opens in a new tab to print. Volunteers never see this (the server refuses them anyway).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportFormat, ExportRows, NodeRef } from '../../../shared/totals.ts';
import { Notice } from '../../ui/notice.tsx';
import { exportLink } from './reports-api.ts';
import type { Period } from './period.ts';

interface Choice {
  format: ExportFormat;
  rows: ExportRows;
  text: 'csv' | 'xlsx' | 'a4';
}

const SUMMARY: readonly Choice[] = [
  { format: 'xlsx', rows: 'summary', text: 'xlsx' },
  { format: 'csv', rows: 'summary', text: 'csv' },
  { format: 'a4', rows: 'summary', text: 'a4' },
];
const HOUSEHOLDS: readonly Choice[] = [
  { format: 'xlsx', rows: 'households', text: 'xlsx' },
  { format: 'csv', rows: 'households', text: 'csv' },
];

export function ExportPanel({ node, period }: { node: NodeRef; period: Period }) {
  const { t, i18n } = useTranslation('reports');
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  async function run(choice: Choice): Promise<void> {
    const key = `${choice.rows}:${choice.format}`;
    setBusy(key);
    setFailed(false);
    // A tab opened straight from the click is not a blocked pop-up; it gets its address once the link is ready.
    const tab = choice.format === 'a4' ? window.open('', '_blank') : null;
    try {
      const href = await exportLink({
        kind: node.kind, id: node.id, from: period.from, to: period.to, format: choice.format, rows: choice.rows,
        lang: i18n.language === 'en' ? 'en' : 'vi',
      });
      if (tab) {
        tab.opener = null;
        tab.location.href = href;
      } else {
        window.location.assign(href);
      }
    } catch {
      tab?.close();
      setFailed(true);
    } finally {
      setBusy(null);
    }
  }

  const button = (choice: Choice) => {
    const key = `${choice.rows}:${choice.format}`;
    return (
      <button
        key={key}
        type="button"
        className="button secondary"
        // "Summary: CSV" / "One row per household: CSV": two buttons that read alike need names that do not.
        aria-label={`${t(choice.rows === 'summary' ? 'export.summary' : 'export.households')}: ${t(`export.${choice.text}`)}`}
        aria-busy={busy === key}
        disabled={busy !== null}
        onClick={() => void run(choice)}
      >
        {busy === key ? t('export.preparing') : t(`export.${choice.text}`)}
      </button>
    );
  };

  return (
    <section className="report-section" aria-labelledby="report-export">
      <h2 id="report-export">{t('export.title')}</h2>
      <p className="muted">{t('export.note')}</p>
      <h3>{t('export.summary')}</h3>
      <div className="actions">{SUMMARY.map(button)}</div>
      <h3>{t('export.households')}</h3>
      <div className="actions">{HOUSEHOLDS.map(button)}</div>
      {failed && <Notice tone="bad">{t('export.failed')}</Notice>}
    </section>
  );
}
