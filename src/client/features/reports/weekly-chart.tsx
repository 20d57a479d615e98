/**
 * Visits per week as an SVG bar chart that scales to the screen (360 px phone to desktop). It is one image with a
 * summary for screen readers, each bar carries its own title, and the same figures sit in a table beneath for
 * anyone who wants the numbers.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { WeeklyVisits } from '../../../shared/totals.ts';
import { formatDate, formatNumber } from '../../lib/format.ts';

const HEIGHT = 120;
const BAR = 10;
const GAP = 4;

export function WeeklyChart({ weeks }: { weeks: readonly WeeklyVisits[] }) {
  const { t } = useTranslation('reports');
  const titleId = useId();
  const descId = useId();
  const max = Math.max(1, ...weeks.map((w) => w.visits));
  const width = weeks.length * (BAR + GAP);
  const first = weeks[0];
  const last = weeks.at(-1);
  return (
    <section className="report-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('charts.weekly')}</h2>
      {first && last && (
        <svg
          className="weekly-chart"
          viewBox={`0 0 ${width} ${HEIGHT + 2}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <desc id={descId}>
            {t('charts.weeklySummary', {
              first: formatDate(first.weekStart), last: formatDate(last.weekStart), max: formatNumber(max),
            })}
          </desc>
          <line x1="0" x2={width} y1={HEIGHT + 1} y2={HEIGHT + 1} className="axis" />
          {weeks.map((w, i) => {
            const h = (HEIGHT * w.visits) / max;
            return (
              <rect key={w.weekStart} x={i * (BAR + GAP) + GAP / 2} y={HEIGHT - h} width={BAR} height={Math.max(h, 0)} className="week-bar">
                <title>{t('charts.weekOf', { date: formatDate(w.weekStart), visits: formatNumber(w.visits) })}</title>
              </rect>
            );
          })}
        </svg>
      )}
      <details className="weekly-table">
        <summary>{t('charts.weekly')}</summary>
        <div className="table-wrap">
          <table>
            <tbody>
              {weeks.map((w) => (
                <tr key={w.weekStart}>
                  <th scope="row">{formatDate(w.weekStart)}</th>
                  <td className="num">{formatNumber(w.visits)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
