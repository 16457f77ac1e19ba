import { z } from 'zod';
import { isCountryCode } from '../shared/phone';

/** Every setting of the server, as an environment variable, with its default and meaning. */
export const SETTINGS = [
  ['PORT', '8787', 'TCP port to listen on; 0 picks a free one.'],
  ['HOST', '127.0.0.1', 'Address to listen on; 0.0.0.0 for every interface.'],
  [
    'DATABASE_URL',
    'sqlite:./data/textdesk.db',
    'sqlite:<file> or postgres://user:password@host:5432/database.',
  ],
  [
    'PUBLIC_URL',
    'http://HOST:PORT',
    'The address customers and carriers reach this server at; the base of links.',
  ],
  [
    'TEXTDESK_ADMIN_EMAIL',
    '',
    'With TEXTDESK_ADMIN_PASSWORD: on an empty database, create the first account and its admin.',
  ],
  ['TEXTDESK_ADMIN_PASSWORD', '', 'At least 12 characters.'],
  ['TEXTDESK_BUSINESS_NAME', 'My business', 'The first account’s name, used in the HELP reply.'],
  ['TEXTDESK_BUSINESS_NUMBER', '+12015550100', 'The first account’s business number.'],
  [
    'TEXTDESK_DEFAULT_COUNTRY',
    'US',
    'How numbers typed without a country code are read (ISO 3166 code).',
  ],
  ['CARRIER', 'simulator', 'simulator (a built-in phone network) or twilio.'],
] as const;

const schema = z.object({
  PORT: z.coerce.number().int('PORT must be a whole number.').min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/u, 'DATABASE_URL must start with sqlite: or postgres://.')
    .default('sqlite:./data/textdesk.db'),
  PUBLIC_URL: z.url('PUBLIC_URL must be a full URL such as https://texts.example.com.').optional(),
  TEXTDESK_ADMIN_EMAIL: z.email('TEXTDESK_ADMIN_EMAIL must be an email address.').optional(),
  TEXTDESK_ADMIN_PASSWORD: z
    .string()
    .min(12, 'TEXTDESK_ADMIN_PASSWORD must be at least 12 characters.')
    .optional(),
  TEXTDESK_BUSINESS_NAME: z.string().min(1).default('My business'),
  TEXTDESK_BUSINESS_NUMBER: z.string().min(1).default('+12015550100'),
  TEXTDESK_DEFAULT_COUNTRY: z
    .string()
    .refine(isCountryCode, 'TEXTDESK_DEFAULT_COUNTRY must be a country code such as US or GB.')
    .default('US'),
  CARRIER: z
    .enum(['simulator', 'twilio'], 'CARRIER must be simulator or twilio.')
    .default('simulator'),
});

export type ServerConfig = z.output<typeof schema>;

/**
 * Reads the configuration from the environment. Empty variables count as
 * unset. Throws one error listing every problem, in words an operator
 * understands.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new Error(
      `Configuration problem:\n${parsed.error.issues.map((issue) => `  - ${describe(issue)}`).join('\n')}`,
    );
  }
  const config = parsed.data;
  if (
    (config.TEXTDESK_ADMIN_EMAIL === undefined) !==
    (config.TEXTDESK_ADMIN_PASSWORD === undefined)
  ) {
    throw new Error(
      'Configuration problem:\n  - Set TEXTDESK_ADMIN_EMAIL and TEXTDESK_ADMIN_PASSWORD together, or neither.',
    );
  }
  return config;
}

/** "PORT: expected a number", unless the message already names its variable. */
function describe(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.');
  return name === '' || issue.message.startsWith(name)
    ? issue.message
    : `${name}: ${issue.message}`;
}

/** The text of `npm run server -- --help`. */
export function helpText(): string {
  const width = Math.max(...SETTINGS.map(([name]) => name.length));
  const lines = SETTINGS.map(
    ([name, fallback, meaning]) =>
      `  ${name.padEnd(width)}  ${meaning}${fallback === '' ? '' : ` Default: ${fallback}.`}`,
  );
  return [
    'Textdesk messaging server',
    '',
    'Usage: npm run server            (settings come from the environment)',
    '',
    'Settings:',
    ...lines,
    '',
    'When ready it prints: listening on http://HOST:PORT',
  ].join('\n');
}
