/** Typing the code printed on a household card: forgiving (case, spaces, dashes, O/0, I/L/1), with its message beside. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { normalizeLinkCode } from '../../../shared/household-link.ts';
import { TextField } from '../../ui/field.tsx';

export function CodeForm({ onCode }: { onCode: (code: string) => void | Promise<void> }) {
  const { t } = useTranslation('self-check');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = normalizeLinkCode(value);
    if (code === null) {
      setError(t('link.codeInvalid'));
      return;
    }
    setError(undefined);
    void onCode(code);
  };
  return (
    <form onSubmit={submit} noValidate className="code-form">
      <TextField
        label={t('link.codeLabel')}
        hint={t('link.codeHint')}
        error={error}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputMode="text"
        className="code-input"
      />
      <button type="submit" className="button block">{t('link.useCode')}</button>
    </form>
  );
}
