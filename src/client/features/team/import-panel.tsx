/**
 * The import flow shared by members and households: the expected columns and the words each one takes, a template
 * to download, choose a file → the server checks every row → the bad rows are listed with their row number, column
 * and reason → the import button works only on a clean file (the server refuses otherwise: all rows or none).
 * Choosing a fixed file again starts over; nothing is stored before the button is pressed.
 */
import { useId, useState, type ChangeEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportColumn, ImportCommitResponse, ImportFile, ImportIssue, ImportPreview } from '../../../shared/roster.ts';
import { formatNumber } from '../../lib/format.ts';
import { Notice } from '../../ui/notice.tsx';
import { commitImport, previewImport, readImportFile, type ImportTarget } from './team-api.ts';
import { templateHref } from './csv-template.ts';
import { useDescribeError } from './online-gate.tsx';
import { useFieldMessage } from './field-message.ts';

type Phase =
  | { kind: 'idle' }
  | { kind: 'reading'; fileName: string }
  | { kind: 'previewed'; file: ImportFile; preview: ImportPreview }
  | { kind: 'committing'; file: ImportFile; preview: ImportPreview }
  | { kind: 'done'; result: ImportCommitResponse };

interface ImportPanelProps {
  /** Null until the screen knows where the rows go (a hamlet not chosen yet). */
  target: ImportTarget | null;
  columns: readonly ImportColumn[];
  /** The words a column accepts, for the help list. */
  words: Partial<Record<string, readonly string[]>>;
  templateFileName: string;
  /** What to show after a successful import (a summary and a way on). */
  renderDone: (result: ImportCommitResponse) => ReactNode;
}

export function ImportPanel({ target, columns, words, templateFileName, renderDone }: ImportPanelProps) {
  const { t } = useTranslation('team');
  const describe = useDescribeError();
  const inputId = useId();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [failure, setFailure] = useState<string | null>(null);

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    // Cleared, so choosing the same (fixed) file again is a change too.
    event.target.value = '';
    if (chosen === undefined || target === null) return;
    setFailure(null);
    if (chosen.size === 0) {
      setPhase({ kind: 'idle' });
      setFailure(t('validation.importEmpty'));
      return;
    }
    setPhase({ kind: 'reading', fileName: chosen.name });
    try {
      const file = await readImportFile(chosen);
      setPhase({ kind: 'previewed', file, preview: await previewImport(target, file) });
    } catch (error) {
      setPhase({ kind: 'idle' });
      setFailure(describe(error));
    }
  }

  async function onCommit() {
    if (phase.kind !== 'previewed' || target === null) return;
    setFailure(null);
    setPhase({ ...phase, kind: 'committing' });
    try {
      setPhase({ kind: 'done', result: await commitImport(target, phase.file) });
    } catch (error) {
      setPhase({ ...phase, kind: 'previewed' });
      setFailure(describe(error));
    }
  }

  const preview = phase.kind === 'previewed' || phase.kind === 'committing' ? phase.preview : null;
  const clean = preview !== null && preview.errors.length === 0 && preview.recordCount > 0;

  return (
    <>
      <section aria-labelledby={`${inputId}-columns`}>
        <h2 id={`${inputId}-columns`}>{t('import.columns')}</h2>
        <ul className="import-columns">
          {columns.map((c) => (
            <li key={c.field}>
              <strong>{c.header}</strong> ({c.required ? t('import.requiredColumn') : t('import.optionalColumn')})
              {words[c.field] && <span className="sub">{t('import.values', { values: words[c.field]?.join(', ') })}</span>}
            </li>
          ))}
        </ul>
        <a className="button secondary block" href={templateHref(columns)} download={templateFileName}>
          {t('import.template')}
        </a>
      </section>

      {phase.kind === 'done' ? (
        renderDone(phase.result)
      ) : (
        <div className="import-file">
          <div className="field">
            <label htmlFor={inputId}>{t('import.chooseFile')}</label>
            <input
              id={inputId}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => void onFile(e)}
              disabled={target === null || phase.kind === 'reading' || phase.kind === 'committing'}
              aria-describedby={`${inputId}-hint`}
            />
            <span id={`${inputId}-hint`} className="hint">{t('import.chooseFileHint')}</span>
          </div>
          {phase.kind === 'reading' && <Notice tone="info">{t('import.reading')}</Notice>}
          {failure && <Notice tone="bad">{failure}</Notice>}
          {preview && <PreviewView fileName={phase.kind === 'previewed' || phase.kind === 'committing' ? phase.file.fileName : ''} preview={preview} />}
          {preview && (
            <div className="actions">
              <button
                type="button"
                className="button block"
                disabled={!clean || phase.kind === 'committing'}
                aria-describedby={clean ? undefined : `${inputId}-blocked`}
                onClick={() => void onCommit()}
              >
                {phase.kind === 'committing'
                  ? t('import.committing')
                  : preview.kind === 'members'
                    ? t('import.commitMembers', { count: preview.recordCount })
                    : t('import.commitHouseholds', { count: preview.recordCount })}
              </button>
            </div>
          )}
          {preview && !clean && <p id={`${inputId}-blocked`} className="muted">{t('import.commitBlocked')}</p>}
        </div>
      )}
    </>
  );
}

function PreviewView({ fileName, preview }: { fileName: string; preview: ImportPreview }) {
  const { t } = useTranslation(['team', 'skills']);
  const cell = (field: string, value: string): string => {
    if (value === '') return '';
    switch (field) {
      case 'sex':
        return t(`skills:sex.${value as 'male'}`);
      case 'relation':
        return t(`skills:relation.${value as 'head'}`);
      case 'affiliation':
        return t(`team:affiliation.${value as 'other'}`);
      case 'role':
        return t(`team:role.${value as 'member'}`);
      default:
        return value;
    }
  };
  return (
    <>
      <Notice tone={preview.errors.length > 0 ? 'warn' : 'ok'}>
        {t('team:import.summary', { fileName, rows: formatNumber(preview.rowCount) })}{' '}
        {preview.kind === 'members'
          ? t('team:import.validMembers', { count: preview.recordCount })
          : t('team:import.validHouseholds', { households: formatNumber(preview.recordCount), people: formatNumber(preview.personCount) })}
      </Notice>
      {preview.errors.length > 0 && (
        <IssueTable
          heading={t('team:import.errorsHeading', { count: preview.errors.length })}
          intro={t('team:import.errorsIntro')}
          issues={preview.errors}
        />
      )}
      {preview.warnings.length > 0 && <IssueTable heading={t('team:import.warningsHeading')} issues={preview.warnings} />}
      {preview.sample.length > 0 && (
        <div className="import-block">
          <h3 id="import-sample">{t('team:import.sampleHeading')}</h3>
          {preview.sample.length < preview.personCount && (
            <p className="muted">{t('team:import.sampleMore', { shown: formatNumber(preview.sample.length), total: formatNumber(preview.personCount) })}</p>
          )}
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="import-sample">
            <table className="import-sample">
              <thead>
                <tr>
                  <th scope="col">{t('team:import.row')}</th>
                  {preview.sampleFields.map((f) => (
                    <th key={f} scope="col">{t(`team:import.fields.${f as 'fullName'}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((s) => (
                  <tr key={s.row}>
                    <td>{formatNumber(s.row)}</td>
                    {s.cells.map((c, i) => (
                      <td key={preview.sampleFields[i] ?? i}>{cell(preview.sampleFields[i] ?? '', c)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </>
  );
}

function IssueTable({ heading, intro, issues }: { heading: string; intro?: string; issues: readonly ImportIssue[] }) {
  const { t } = useTranslation('team');
  const message = useFieldMessage();
  const id = useId();
  return (
    <div className="import-block">
      <h3 id={id}>{heading}</h3>
      {intro && <p>{intro}</p>}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={id}>
        <table className="import-issues">
          <thead>
            <tr>
              <th scope="col">{t('import.row')}</th>
              <th scope="col">{t('import.column')}</th>
              <th scope="col">{t('import.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {issues.map((issue, i) => (
              <tr key={`${issue.row}-${issue.field}-${i}`}>
                <td>{formatNumber(issue.row)}</td>
                <td>{issue.column === '' ? t('import.wholeFile') : issue.column}</td>
                <td>{message(issue.key)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
