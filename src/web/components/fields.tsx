// Labelled form controls. Every control has a visible <label>; hints and errors are
// tied to it with aria-describedby.
import {
  useId,
  type InputHTMLAttributes,
  type Ref,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface FieldFrame {
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
}

export type TextFieldProps = FieldFrame &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
    value: string;
    onChange(value: string): void;
    ref?: Ref<HTMLInputElement>;
  };

export function TextField({ label, hint, className, value, onChange, ref, ...input }: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input
        ref={ref}
        id={id}
        type="text"
        aria-describedby={hintId}
        {...input}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export type TextAreaFieldProps = FieldFrame &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> & {
    value: string;
    onChange(value: string): void;
  };

export function TextAreaField({ label, hint, className, value, onChange, ...area }: TextAreaFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        rows={3}
        aria-describedby={hintId}
        {...area}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export type SelectFieldProps = FieldFrame &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
    value: string;
    options: readonly Option[];
    onChange(value: string): void;
  };

export function SelectField({ label, hint, className, value, options, onChange, ...select }: SelectFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <select id={id} aria-describedby={hintId} {...select} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export type CheckboxFieldProps = FieldFrame &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'checked' | 'type'> & {
    checked: boolean;
    onChange(checked: boolean): void;
  };

export function CheckboxField({ label, hint, className, checked, onChange, ...input }: CheckboxFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `check ${className}` : 'check'}>
      <input
        id={id}
        type="checkbox"
        aria-describedby={hintId}
        {...input}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export type RadioFieldProps = FieldFrame &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'checked' | 'type' | 'value'> & {
    name: string;
    value: string;
    checked: boolean;
    onChange(value: string): void;
  };

/** One option of a radio group; put several in a <fieldset> whose legend asks the question. */
export function RadioField({ label, hint, className, value, checked, onChange, ...input }: RadioFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `check radio ${className}` : 'check radio'}>
      <input
        id={id}
        type="radio"
        aria-describedby={hintId}
        {...input}
        value={value}
        checked={checked}
        onChange={(e) => {
          if (e.target.checked) onChange(value);
        }}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
