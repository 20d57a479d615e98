/**
 * axe-core in a real page, under the app's own Content Security Policy (issue 5, "must hold").
 *
 * The CSP allows scripts from 'self' only, so `page.addScriptTag({ content })` (an inline <script>) is refused and
 * reported as a violation. The source is evaluated through the DevTools protocol instead (`page.evaluate(source)` is
 * a `Runtime.evaluate`), which the page's CSP does not govern and which adds nothing to the DOM that axe would then
 * audit. The CSP stays in force for the app itself, so a test that fails on console CSP violations still catches
 * the app's own.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

declare global {
  interface Window {
    axe?: typeof axe;
  }
}

async function injectAxe(page: Page): Promise<void> {
  const present = await page.evaluate(() => typeof window.axe?.run === 'function');
  if (present) return;
  await page.evaluate(axe.source);
  const loaded = await page.evaluate(() => typeof window.axe?.run === 'function');
  if (!loaded) throw new Error('axe-core did not load into the page');
}

/** Runs axe on the whole document and returns its violations (never the "needs review" results). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await injectAxe(page);
  return page.evaluate(async (tags) => {
    const results = await window.axe!.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        html: n.html.length > 160 ? `${n.html.slice(0, 160)}…` : n.html,
        summary: n.failureSummary ?? '',
      })),
    }));
  }, [...AXE_TAGS]);
}

/** One readable block per violation: rule id, impact, help text and every offending element. */
export function formatViolations(where: string, violations: AxeViolation[]): string[] {
  return violations.map((v) =>
    [
      `${where}: ${v.id} (${v.impact ?? 'no impact'}) — ${v.help} <${v.helpUrl}>`,
      ...v.nodes.map((n) => `    ${n.target}  ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`),
    ].join('\n'),
  );
}
