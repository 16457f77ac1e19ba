import type { CountryCode } from 'libphonenumber-js/max';

/**
 * SMS short codes by country, as national digits. libphonenumber has no
 * short-code data for SMS, so these follow each country's numbering plan;
 * countries not listed accept 3 to 6 digits.
 */
const SHORT_CODE_PATTERNS: Partial<Record<CountryCode, RegExp>> = {
  US: /^[2-9]\d{4,5}$/u,
  CA: /^[2-9]\d{4,5}$/u,
  GB: /^[6-8]\d{4}$/u,
  IE: /^5\d{4}$/u,
  AU: /^19\d{4,6}$/u,
  NZ: /^\d{3,4}$/u,
  FR: /^[3-8]\d{4}$/u,
  DE: /^\d{4,5}$/u,
  ES: /^[2-7]\d{3,5}$/u,
  MX: /^\d{5}$/u,
  IN: /^\d{5,6}$/u,
};

const FALLBACK = /^\d{3,6}$/u;

export function isShortCode(digits: string, country: CountryCode): boolean {
  return (SHORT_CODE_PATTERNS[country] ?? FALLBACK).test(digits);
}
