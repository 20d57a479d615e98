/**
 * The hamlet's household registry: the volunteer's start page. Search folds diacritics (searchHouseholds over the
 * precomputed searchText), filters live in the URL (`?loc=den-hen`), and only the first 100 matches render, so a
 * 2,000-household hamlet stays quick on a cheap phone. Phones are masked here; the full number is on the household page.
 */
import { memo, useDeferredValue, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { maskVnPhone } from '../../../shared/phone.ts';
import { getHamlet } from '../../db/hamlets.ts';
import { HOUSEHOLD_FILTERS, listHamletHouseholds, type HouseholdListRow } from '../../db/households.ts';
import { formatDate, formatNumber, todayIso } from '../../lib/format.ts';
import { Page } from '../../ui/page.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { routes } from '../../app/routes.ts';
import { FILTER_PARAM, filterFromSlug, filterSlug, searchHouseholds } from './search.ts';
import { householdStatus } from './status.ts';
import './households.css';

const PAGE_SIZE = 100;

export function HouseholdsPage() {
  const { hamletId = '' } = useParams();
  const { t } = useTranslation('households');
  const [params, setParams] = useSearchParams();
  const filter = filterFromSlug(params.get(FILTER_PARAM));
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const hamlet = useLiveQuery(async () => (await getHamlet(hamletId)) ?? null, [hamletId]);
  const rows = useLiveQuery(() => listHamletHouseholds(hamletId), [hamletId]);
  const today = todayIso();
  const matches = useMemo(
    () => (rows ? searchHouseholds(rows, deferredQuery, filter, today) : []),
    [rows, deferredQuery, filter, today],
  );
  // The "show more" budget starts again at 100 whenever the search or the filter changes.
  const resetKey = `${deferredQuery}\u0000${filter}`;
  const [budget, setBudget] = useState({ key: resetKey, size: PAGE_SIZE });
  const size = budget.key === resetKey ? budget.size : PAGE_SIZE;
  const visible = matches.length > size ? matches.slice(0, size) : matches;

  if (hamlet === null) {
    return (
      <Page title={t('registry.hamletNotFound')} back={{ to: routes.hamlets(), label: t('registry.backToHamlets') }}>
        <Notice tone="warn">{t('registry.hamletNotFound')}</Notice>
      </Page>
    );
  }

  const chooseFilter = (next: (typeof HOUSEHOLD_FILTERS)[number]) => {
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        const slug = filterSlug(next);
        if (slug === '') p.delete(FILTER_PARAM);
        else p.set(FILTER_PARAM, slug);
        return p;
      },
      { replace: true },
    );
  };

  return (
    <Page title={hamlet?.name ?? t('loading')} back={{ to: routes.hamlets(), label: t('registry.backToHamlets') }}>
      <div className="actions add-household">
        <Link to={routes.newHousehold(hamletId)} className="button main-action">
          <span aria-hidden="true">+</span> {t('registry.addHousehold')}
        </Link>
        <Link to={routes.overview(hamletId)} className="button secondary">
          {t('registry.overview')}
        </Link>
      </div>
      <div className="registry-tools" role="search">
        <TextField
          label={t('registry.searchLabel')}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoComplete="off"
          enterKeyHint="search"
        />
        <div className="chips" role="group" aria-label={t('registry.filtersLabel')}>
          {HOUSEHOLD_FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              className="chip"
              aria-pressed={f === filter}
              onClick={() => chooseFilter(f)}
            >
              {t(`registry.filter.${f}`)}
            </button>
          ))}
        </div>
      </div>
      {rows === undefined ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <>
          <p className="registry-count" role="status">
            {t('registry.resultCount', { count: matches.length, formatted: formatNumber(matches.length) })}
          </p>
          {rows.length === 0 ? (
            <Notice>{t('registry.emptyHamlet')}</Notice>
          ) : matches.length === 0 ? (
            <Notice>{t('registry.noMatches')}</Notice>
          ) : (
            <ul className="list">
              {visible.map((row) => (
                <HouseholdRow key={row.household.id} row={row} today={today} />
              ))}
            </ul>
          )}
          {visible.length < matches.length && (
            <div className="actions">
              <p className="muted">
                {t('registry.showing', {
                  shown: formatNumber(visible.length),
                  total: formatNumber(matches.length),
                })}
              </p>
              <button
                type="button"
                className="button secondary block"
                onClick={() => setBudget({ key: resetKey, size: size + PAGE_SIZE })}
              >
                {t('registry.showMore')}
              </button>
            </div>
          )}
        </>
      )}
    </Page>
  );
}

const HouseholdRow = memo(function HouseholdRow({ row, today }: { row: HouseholdListRow; today: string }) {
  const { t } = useTranslation('households');
  const { household, summary } = row;
  const status = householdStatus(summary, today);
  const people = summary?.people ?? 0;
  const details = [t('registry.memberCount', { count: people, formatted: formatNumber(people) })];
  if (household.phone) details.push(maskVnPhone(household.phone));
  return (
    <li>
      <Link className="list-link household-row" to={routes.household(household.id)}>
        <span className="grow">
          <strong>{household.headName}</strong>
          <span className="sub">{household.address || t('registry.noAddress')}</span>
          <span className="sub">{details.join(' · ')}</span>
        </span>
        {status.kind === 'due' ? (
          <span className="badge warn">{t('status.due', { date: formatDate(status.on) })}</span>
        ) : (
          <span className={status.kind === 'at-target' ? 'badge ok' : 'badge'}>{t(`status.${status.kind}`)}</span>
        )}
      </Link>
    </li>
  );
});
