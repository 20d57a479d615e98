/**
 * The drill-down: a node's children grouped by kind (communes; or hamlets, teams and members), each a table whose
 * first cell links to the child's own report for the same period. On a phone it shows the key columns; from 720 px
 * the rest appear (class "wide").
 */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ChildTotals, NodeKind } from '../../../shared/totals.ts';
import { formatNumber, formatPercent } from '../../lib/format.ts';
import { routes } from '../../app/routes.ts';
import type { Period } from './period.ts';

const GROUP_ORDER: readonly NodeKind[] = ['province', 'district', 'commune', 'hamlet', 'team', 'volunteer'];

export function ChildrenTables({ rows, period }: { rows: readonly ChildTotals[]; period: Period }) {
  const { t } = useTranslation('reports');
  if (rows.length === 0) return <p className="muted">{t('groups.empty')}</p>;
  const groups = GROUP_ORDER.map((kind) => ({ kind, rows: rows.filter((r) => r.node.kind === kind) })).filter((g) => g.rows.length > 0);
  return (
    <>
      {groups.map((g) => (
        <section key={g.kind} className="report-section" aria-labelledby={`report-group-${g.kind}`}>
          <h2 id={`report-group-${g.kind}`}>{t(`groups.${g.kind as 'commune' | 'hamlet' | 'team' | 'volunteer'}`)}</h2>
          <div className="table-wrap">
            <table className="report-table">
              <caption className="visually-hidden">{t('table.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('table.unit')}</th>
                  <th scope="col" className="num">{t('metric.households')}</th>
                  <th scope="col" className="num">{t('metric.atTarget')}</th>
                  <th scope="col" className="num">{t('metric.visits')}</th>
                  <th scope="col" className="num wide">{t('metric.visitedHouseholds')}</th>
                  <th scope="col" className="num wide">{t('metric.followUpsDue')}</th>
                  <th scope="col" className="num wide">{t('metric.activeVolunteers')}</th>
                </tr>
              </thead>
              <tbody>
                {g.rows.map(({ node, totals }) => (
                  <tr key={`${node.kind}:${node.id}`}>
                    <th scope="row">
                      <Link to={routes.reportNode(node.kind, node.id, period)} aria-label={t('table.open', { name: node.name })}>
                        {node.name}
                      </Link>
                    </th>
                    <td className="num">{formatNumber(totals.households)}</td>
                    <td className="num">
                      {formatNumber(totals.atTarget)}
                      <span className="sub">{formatPercent(totals.atTarget, totals.households)}</span>
                    </td>
                    <td className="num">{formatNumber(totals.visits)}</td>
                    <td className="num wide">{formatNumber(totals.visitedHouseholds)}</td>
                    <td className="num wide">{formatNumber(totals.followUpsDue)}</td>
                    <td className="num wide">{formatNumber(totals.activeVolunteers)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}
