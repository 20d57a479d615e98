/**
 * Reports for coordinators, team leaders and admins (volunteers see their own): an online screen. /bao-cao shows
 * where the caller's reports start (their province, district, communes, team…), opening the only one straight away;
 * /bao-cao/:kind/:id shows a node's totals for a period — the figures, progress per skill, visits per week, the
 * units below it to drill into, and the exports. The period lives in the address, so drilling down keeps it.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { NODE_KINDS, isNodeId, type NodeKind, type ReportRoots, type TotalsAnswer } from '../../../shared/totals.ts';
import { getSession, type Session } from '../../db/sync-state.ts';
import { ApiError, NeedsLoginError } from '../../lib/api.ts';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../../lib/format.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { useOnline } from '../../lib/use-online.ts';
import { useRemote } from '../../lib/use-remote.ts';
import { Page } from '../../ui/page.tsx';
import { Notice } from '../../ui/notice.tsx';
import { routes } from '../../app/routes.ts';
import { fetchRoots, fetchTotals } from './reports-api.ts';
import { isValidPeriod, periodFromSearch, presetMatching, presetOf, PERIOD_PRESETS, type Period, type PeriodPreset } from './period.ts';
import { SkillChart } from './skill-chart.tsx';
import { WeeklyChart } from './weekly-chart.tsx';
import { ChildrenTables } from './children-table.tsx';
import { ExportPanel } from './export-panel.tsx';
import './reports.css';

export function ReportsPage() {
  const { t } = useTranslation('reports');
  const online = useOnline();
  const session = useLiveQuery(async () => (await getSession()) ?? null, [], undefined);
  let body;
  if (!online) body = <Notice tone="warn">{t('offline')}</Notice>;
  else if (session === undefined) body = <p className="muted">{t('loading')}</p>;
  else if (session === null) body = <SignedOut />;
  else body = <Reports session={session} />;
  return <Page title={t('title')}>{body}</Page>;
}

function SignedOut({ expired = false }: { expired?: boolean }) {
  const { t } = useTranslation(['reports', 'problems']);
  const { pathname, search } = useLocation();
  return (
    <>
      <Notice tone={expired ? 'warn' : 'info'}>{expired ? t('problems:auth.session-expired') : t('reports:signedOut')}</Notice>
      <Link to={routes.login()} state={{ from: pathname + search }} className="button block">
        {t('reports:login')}
      </Link>
    </>
  );
}

function Failure({ error, retry }: { error: unknown; retry: () => void }) {
  const { t, i18n } = useTranslation('reports');
  if (error instanceof NeedsLoginError) return <SignedOut expired />;
  const reason = error instanceof ApiError ? problemMessage(i18n, error.code) : undefined;
  return (
    <Notice tone="bad">
      <p>{reason ?? t('loadFailed')}</p>
      <div className="actions">
        <button type="button" className="button secondary" onClick={retry}>
          {t('retry')}
        </button>
      </div>
    </Notice>
  );
}

const loadRoots = () => fetchRoots();

function Reports({ session }: { session: Session }) {
  const params = useParams();
  const kind = NODE_KINDS.find((k) => k === params.kind);
  const id = params.id ?? '';
  const roots = useRemote(session.user.id, loadRoots);
  if (roots.state.status === 'loading') return <LoadingText />;
  if (roots.state.status === 'error') return <Failure error={roots.state.error} retry={roots.reload} />;
  if (kind === undefined || !isNodeId(kind, id)) return <RootList roots={roots.state.data} />;
  return <NodeReport kind={kind} id={id} canExport={roots.state.data.canExport} />;
}

function LoadingText() {
  const { t } = useTranslation('reports');
  return <p className="muted" role="status">{t('loading')}</p>;
}

function RootList({ roots }: { roots: ReportRoots }) {
  const { t } = useTranslation('reports');
  const [search] = useSearchParams();
  const only = roots.roots.length === 1 ? roots.roots[0] : undefined;
  if (only) return <Navigate to={routes.reportNode(only.kind, only.id, periodFromSearch(search))} replace />;
  return (
    <>
      <h2>{t('scope.roots')}</h2>
      <ul className="list">
        {roots.roots.map((r) => (
          <li key={`${r.kind}:${r.id}`}>
            <Link to={routes.reportNode(r.kind, r.id, periodFromSearch(search))} className="list-link">
              <span className="grow">
                {r.name}
                <span className="sub">{t(`kind.${r.kind}`)}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <TeamsLink />
    </>
  );
}

function TeamsLink() {
  const { t } = useTranslation('reports');
  return (
    <div className="actions">
      <Link to={routes.teams()} className="button secondary">
        {t('teamsLink')}
      </Link>
    </div>
  );
}

function NodeReport({ kind, id, canExport }: { kind: NodeKind; id: string; canExport: boolean }) {
  const [search] = useSearchParams();
  const period = periodFromSearch(search);
  const key = `${kind}|${id}|${period.from}|${period.to}`;
  const load = useCallback((k: string) => {
    const [kk, ii, from, to] = k.split('|') as [NodeKind, string, string, string];
    return fetchTotals({ kind: kk, id: ii, from, to });
  }, []);
  const { state, reload } = useRemote(key, load);
  return (
    <>
      <PeriodPicker kind={kind} id={id} period={period} />
      {state.status === 'loading' && <LoadingText />}
      {state.status === 'error' && <Failure error={state.error} retry={reload} />}
      {state.status === 'ready' && (
        <>
          <NodeFigures answer={state.data} period={period} />
          {canExport && <ExportPanel node={state.data.node} period={period} />}
          <TeamsLink />
        </>
      )}
    </>
  );
}

function PeriodPicker({ kind, id, period }: { kind: NodeKind; id: string; period: Period }) {
  const { t } = useTranslation('reports');
  const navigate = useNavigate();
  const preset = presetMatching(period);
  const [custom, setCustom] = useState(preset === null);
  const [draft, setDraft] = useState<Period>(period);
  const [invalid, setInvalid] = useState(false);
  const go = (p: Period) => void navigate(routes.reportNode(kind, id, p), { replace: true });

  function choose(choice: PeriodPreset | 'custom') {
    if (choice === 'custom') {
      setCustom(true);
      setDraft(period);
      return;
    }
    setCustom(false);
    go(presetOf(choice));
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    if (!isValidPeriod(draft)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    go(draft);
  }

  return (
    <form className="period-picker" onSubmit={apply} noValidate>
      <fieldset>
        <legend>{t('period.label')}</legend>
        <div className="chips">
          {PERIOD_PRESETS.map((p) => (
            <label key={p} className="chip">
              <input type="radio" name="period" checked={!custom && preset === p} onChange={() => choose(p)} />
              {t(`period.${p}`)}
            </label>
          ))}
          <label className="chip">
            <input type="radio" name="period" checked={custom} onChange={() => choose('custom')} />
            {t('period.custom')}
          </label>
        </div>
        {custom && (
          <>
            <div className="row">
              <div className="field">
                <label htmlFor="report-from">{t('period.from')}</label>
                <input id="report-from" type="date" value={draft.from} aria-invalid={invalid}
                  aria-describedby={invalid ? 'report-period-error' : undefined}
                  onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="report-to">{t('period.to')}</label>
                <input id="report-to" type="date" value={draft.to} aria-invalid={invalid}
                  aria-describedby={invalid ? 'report-period-error' : undefined}
                  onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
              </div>
            </div>
            {invalid && <p id="report-period-error" className="error" role="alert">{t('period.invalid')}</p>}
            <button type="submit" className="button">{t('period.apply')}</button>
          </>
        )}
      </fieldset>
      <p className="muted period-range">{t('period.range', { from: formatDate(period.from), to: formatDate(period.to) })}</p>
    </form>
  );
}

function NodeFigures({ answer, period }: { answer: TotalsAnswer; period: Period }) {
  const { t } = useTranslation('reports');
  const totals = answer.totals;
  const worker = answer.node.kind === 'team' || answer.node.kind === 'volunteer';
  const behind = answer.latestSeq - answer.seq;
  return (
    <>
      <nav aria-label={t('scope.path')} className="report-path">
        <ol>
          {answer.path.map((p) => (
            <li key={`${p.kind}:${p.id}`}>
              <Link to={routes.reportNode(p.kind, p.id, period)}>{p.name}</Link>
            </li>
          ))}
          <li aria-current="page">{answer.node.name}</li>
        </ol>
      </nav>
      <h2 className="report-node">
        {answer.node.name}
        <span className="sub">{t(`kind.${answer.node.kind}`)}</span>
      </h2>
      <p className="muted">
        {t('stamp', { seq: formatNumber(answer.seq), time: formatDateTime(answer.generatedAt) })}{' '}
        {answer.staleDevices > 0
          ? t('staleDevices', { count: answer.staleDevices, formatted: formatNumber(answer.staleDevices) })
          : t('noStaleDevices')}
      </p>
      {behind > 0 && <Notice tone="warn">{t('behind', { changes: formatNumber(behind) })}</Notice>}
      <div className="stats report-stats">
        <Stat label={t('metric.households')} value={formatNumber(totals.households)} />
        <Stat
          label={t('metric.atTarget')}
          value={formatNumber(totals.atTarget)}
          of={`${t('metric.atTargetRate')}: ${formatPercent(totals.atTarget, totals.households)}`}
        />
        <Stat label={t('metric.visitedHouseholds')} value={formatNumber(totals.visitedHouseholds)} />
        <Stat label={t('metric.visits')} value={formatNumber(totals.visits)} />
        <Stat label={t('metric.people')} value={formatNumber(totals.people)} />
        <Stat label={t('metric.followUpsDue')} value={formatNumber(totals.followUpsDue)} />
        <Stat label={t('metric.activeVolunteers')} value={formatNumber(totals.activeVolunteers)} />
      </div>
      <p className="muted">{t('help.asOf', { date: formatDate(answer.period.to) })}</p>
      {worker && <p className="muted">{t('help.workers')}</p>}
      <SkillChart totals={totals} />
      <WeeklyChart weeks={answer.weekly} />
      {answer.children.length > 0 && <ChildrenTables rows={answer.children} period={period} />}
    </>
  );
}

function Stat({ label, value, of }: { label: string; value: string; of?: string }) {
  return (
    <div className="stat">
      <span className="value">{value}</span>
      <span className="label">{label}</span>
      {of && <span className="of">{of}</span>}
    </div>
  );
}
