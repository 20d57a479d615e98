/**
 * The start page a first-time visitor lands on ("/" → the area picker, its list still loading), as static HTML.
 * The build writes it into index.html (vite.config.ts), so the page paints from the HTML before any script has run;
 * React then replaces it with the very same markup (tests/client/app/start-page-prerender.test.tsx compares the
 * two), so nothing moves and nothing flashes. The words are the Vietnamese locale files' own.
 *
 * public/boot.js decides before the first paint whether this is that first visit (no service worker, nothing stored
 * on the device, "/" or the area picker's path, Vietnamese): only then is the markup shown; anyone else sees the
 * plain boot message until their own screen is ready.
 */
import { routes } from './routes.ts';

/** The strings the start page shows, as in locales/vi/{common,area,sync}.json. */
export interface StartPageStrings {
  common: {
    loading: string;
    nav: { label: string; households: string; overview: string; hamlets: string; settings: string };
    residents: { heading: string; selfCheck: string; guides: string };
  };
  area: { area: { title: string; intro: string; loading: string; source: string } };
  sync: { badge: { label: string; tab: string; signedOut: string } };
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function navLink(href: string, icon: string, label: string, current = false): string {
  return (
    `<a${current ? ' aria-current="page"' : ''} href="${href}" data-discover="true">` +
    `<span aria-hidden="true" class="nav-icon">${icon}</span><span>${escapeHtml(label)}</span></a>`
  );
}

/**
 * What AppLayout and AreaPage render on a first visit while the area list loads: the header, the intro, the form's
 * reserved slot with its status line, the data source, the residents' entry, and the bottom navigation (no working
 * area yet, so the households and overview tabs lead to the hamlet list; the hamlets tab is current).
 */
export function startPageMarkup({ common, area, sync }: StartPageStrings): string {
  const a = area.area;
  // A first visit: nobody is signed in and nothing waits to be sent, as the sync tab says once it has read that.
  const syncLabel = sync.badge.label.replace('{{status}}', sync.badge.signedOut);
  return (
    `<header class="app-header"><h1>${escapeHtml(a.title)}</h1></header>` +
    `<main class="app-main" id="main">` +
    `<p>${escapeHtml(a.intro)}</p>` +
    `<div class="area-form-slot"><p role="status">${escapeHtml(a.loading)}</p></div>` +
    `<p class="muted">${escapeHtml(a.source)}</p>` +
    `<section aria-labelledby="resident-entry" class="resident-entry"><h2 id="resident-entry">${escapeHtml(common.residents.heading)}</h2>` +
    `<div class="actions">` +
    `<a class="button secondary block" href="${routes.selfCheck()}" data-discover="true">${escapeHtml(common.residents.selfCheck)}</a>` +
    `<a class="button secondary block" href="${routes.guides()}" data-discover="true">${escapeHtml(common.residents.guides)}</a>` +
    `</div></section></main>` +
    `<nav class="app-nav" aria-label="${escapeHtml(common.nav.label)}">` +
    navLink(routes.hamlets(), '⌂', common.nav.households) +
    navLink(routes.hamlets(), '▦', common.nav.overview) +
    navLink(routes.hamlets(), '☰', common.nav.hamlets, true) +
    `<a aria-label="${escapeHtml(syncLabel)}" href="${routes.sync()}" data-discover="true">` +
    `<span aria-hidden="true" class="nav-icon">⇅</span><span aria-hidden="true">${escapeHtml(sync.badge.tab)}</span></a>` +
    navLink(routes.settings(), '⚙', common.nav.settings) +
    `</nav>`
  );
}
