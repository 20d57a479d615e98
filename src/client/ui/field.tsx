/**
 * Labelled form fields with their message beside them: the error (translated by the caller) is tied to the input
 * with aria-describedby and aria-invalid, so a screen reader reads it with the field.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldFrameProps {
  label: string;
  error?: string | undefined;
  warning?: string | undefined;
  hint?: string | undefined;
}

function describedBy(id: string, p: FieldFrameProps): string | undefined {
  const ids = [p.error && `${id}-error`, p.warning && `${id}-warning`, p.hint && `${id}-hint`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Messages({ id, error, warning, hint }: FieldFrameProps & { id: string }) {
  return (
    <>
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      {error && <span id={`${id}-error`} className="error" role="alert">{error}</span>}
      {warning && <span id={`${id}-warning`} className="warning">{warning}</span>}
    </>
  );
}

export function TextField(props: FieldFrameProps & InputHTMLAttributes<HTMLInputElement>) {
  const { label, error, warning, hint, ...input } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, props)} {...input} />
      <Messages id={id} error={error} warning={warning} hint={hint} label={label} />
    </div>
  );
}

export function TextAreaField(props: FieldFrameProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { label, error, warning, hint, ...input } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, props)} {...input} />
      <Messages id={id} error={error} warning={warning} hint={hint} label={label} />
    </div>
  );
}

export function SelectField(
  props: FieldFrameProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode },
) {
  const { label, error, warning, hint, children, ...select } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, props)} {...select}>
        {children}
      </select>
      <Messages id={id} error={error} warning={warning} hint={hint} label={label} />
    </div>
  );
}
