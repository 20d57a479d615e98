/**
 * The frame of every screen: a header with an optional back link and the title (an h1, so each screen has one),
 * and the content. Strings arrive translated; ui/ knows nothing of i18n.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useEffect } from 'react';

export interface PageProps {
  title: string;
  back?: { to: string; label: string };
  actions?: ReactNode;
  children: ReactNode;
}

export function Page({ title, back, actions, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · Từng Nhà`;
  }, [title]);
  return (
    <>
      <header className="app-header">
        {back && (
          <Link to={back.to} className="button ghost icon-button" aria-label={back.label}>
            <span aria-hidden="true">←</span>
          </Link>
        )}
        <h1>{title}</h1>
        {actions}
      </header>
      <main className="app-main" id="main">
        {children}
      </main>
    </>
  );
}
