/**
 * Log in with phone and password. On success the session is stored on the device, a sync starts, and the person
 * goes back to the screen they came from (the `from` the linking screen put in the location state). Errors are the
 * server's Problem codes in plain Vietnamese. Logging in is optional: the app works offline without an account.
 */
import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '../../ui/page.tsx';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { ApiError } from '../../lib/api.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { logIn } from '../../sync/session.ts';
import { routes } from '../../app/routes.ts';

/** Only an in-app path ("/dong-bo"), never another origin ("//evil.example"). */
function returnPath(state: unknown): string | null {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : null;
}

interface FieldErrors {
  phone?: string;
  password?: string;
}

export function LoginPage() {
  const { t, i18n } = useTranslation('auth');
  const navigate = useNavigate();
  const location = useLocation();
  const from = returnPath(location.state);
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  function messageFor(error: unknown): string {
    if (!(error instanceof ApiError)) return t('errors.fallback');
    switch (error.code) {
      case 'network':
        return t('errors.network');
      case 'timeout':
        return t('errors.timeout');
      case 'auth.invalid-credentials':
        return problemMessage(i18n, error.code) ?? t('errors.invalidCredentials');
      case 'auth.rate-limited':
      case 'rate-limited':
        return problemMessage(i18n, error.code) ?? t('errors.rateLimited');
      default:
        return problemMessage(i18n, error.code) ?? t('errors.fallback');
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: FieldErrors = {};
    if (phone.trim() === '') next.phone = t('required.phone');
    if (password === '') next.password = t('required.password');
    setErrors(next);
    setFormError(null);
    if (next.phone || next.password) return;
    setSubmitting(true);
    try {
      await logIn(phone, password);
      void navigate(from ?? routes.sync(), { replace: true });
    } catch (error) {
      setFormError(messageFor(error));
      setSubmitting(false);
    }
  }

  return (
    <Page title={t('title')} back={{ to: from ?? routes.sync(), label: t('back') }}>
      <p>{t('intro')}</p>
      {formError && <Notice tone="bad">{formError}</Notice>}
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <TextField
          label={t('phone')}
          hint={t('phoneHint')}
          error={errors.phone}
          type="tel"
          inputMode="tel"
          autoComplete="username"
          name="phone"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <TextField
          label={t('password')}
          error={errors.password}
          type="password"
          autoComplete="current-password"
          name="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="button block" disabled={submitting}>
            {submitting ? t('submitting') : t('submit')}
          </button>
        </div>
      </form>
    </Page>
  );
}
