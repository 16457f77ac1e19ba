import type { InputHTMLAttributes, SelectHTMLAttributes } from 'react';
import { SUPPORTED_COUNTRIES } from '../../../shared/phone';

/** A labelled text input, as every form of the app lays it out. */
export function TextField(
  props: { readonly label: string } & InputHTMLAttributes<HTMLInputElement>,
) {
  const { label, ...input } = props;
  return (
    <label className="field">
      <span>{label}</span>
      <input className="text-input" {...input} />
    </label>
  );
}

const COUNTRY_NAMES = new Intl.DisplayNames(undefined, { type: 'region' });

/** A country picker over the countries phone numbers can be read for, by name. */
export function CountrySelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select {...props}>
      {SUPPORTED_COUNTRIES.map((code) => (
        <option key={code} value={code}>
          {COUNTRY_NAMES.of(code) ?? code}
        </option>
      ))}
    </select>
  );
}
