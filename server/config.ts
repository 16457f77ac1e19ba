import { z } from 'zod';
import { isCountryCode } from '../shared/phone';
import { LogLevelSchema } from './logging';

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
    'The address customers and carriers reach this server at; the base of links. Required with CARRIER=twilio: Twilio signs its webhooks against it.',
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
  [
    'TRUST_PROXY',
    'false',
    'true behind a reverse proxy that sets X-Forwarded-For: sign-in limits then count the client’s address, not the proxy’s.',
  ],
  [
    'CORS_ORIGINS',
    '',
    'Web pages allowed to call the REST API from a browser, as origins separated by commas (https://crm.example.com). Unset: none; other origins get no CORS headers.',
  ],
  [
    'WEBHOOK_RATE_LIMIT',
    '600',
    'Requests a minute one address may make to the carrier webhooks and the simulator’s inbound route; 0 turns the limit off.',
  ],
  [
    'LOG_LEVEL',
    'info',
    'fatal, error, warn, info (one line per request), debug, trace or silent. Lines are JSON, or readable text when printed to a terminal.',
  ],
  [
    'WEBHOOK_ALLOW_LOOPBACK',
    'false',
    'true lets the opt-out webhook be an http:// address on this machine (development and tests). Otherwise it must be https:// to a public address.',
  ],
  [
    'METRICS_TOKEN',
    '',
    'A secret Prometheus sends as a bearer token to read /metrics. Unset: /metrics answers only callers on the server’s own machine.',
  ],
  ['CARRIER', 'simulator', 'simulator (a built-in phone network) or twilio.'],
  ['TWILIO_ACCOUNT_SID', '', 'With CARRIER=twilio: the account SID (AC…) from the Twilio console.'],
  [
    'TWILIO_AUTH_TOKEN',
    '',
    'With CARRIER=twilio: the auth token; it signs requests both ways. Keep it secret.',
  ],
  [
    'TWILIO_FROM',
    '',
    'With CARRIER=twilio: the Twilio number texts are sent from (E.164, +1…), unless TWILIO_MESSAGING_SERVICE_SID is set.',
  ],
  [
    'TWILIO_MESSAGING_SERVICE_SID',
    '',
    'With CARRIER=twilio: send through this Messaging Service (MG…) instead of one number.',
  ],
  [
    'TWILIO_API_BASE',
    'https://api.twilio.com',
    'Where the Twilio REST API is; change it only for a test stand-in.',
  ],
  [
    'MEDIA_STORE',
    'local',
    'Where pictures and files are kept: local (the MEDIA_DIR folder) or s3 (an S3-compatible bucket: AWS S3, Cloudflare R2, MinIO).',
  ],
  [
    'MEDIA_DIR',
    './data/media',
    'With MEDIA_STORE=local: the folder for pictures and files. Servers sharing one database must share this folder.',
  ],
  [
    'MEDIA_SECRET',
    '',
    'At least 32 characters; signs the short-lived addresses pictures are fetched by. Required with MEDIA_STORE=s3 or several servers; otherwise made once and kept in MEDIA_DIR.',
  ],
  ['S3_BUCKET', '', 'With MEDIA_STORE=s3: the bucket name.'],
  ['S3_REGION', 'us-east-1', 'With MEDIA_STORE=s3: the region (auto for Cloudflare R2).'],
  [
    'S3_ENDPOINT',
    '',
    'With MEDIA_STORE=s3: the endpoint for services other than AWS (https://<account>.r2.cloudflarestorage.com, http://minio:9000).',
  ],
  [
    'S3_ACCESS_KEY_ID',
    '',
    'With MEDIA_STORE=s3: the access key; unset uses the AWS default chain.',
  ],
  ['S3_SECRET_ACCESS_KEY', '', 'With MEDIA_STORE=s3: the secret key.'],
  [
    'S3_FORCE_PATH_STYLE',
    'false',
    'true for MinIO and other stores that want bucket names in the path rather than the host.',
  ],
  ['S3_PREFIX', '', 'With MEDIA_STORE=s3: a prefix for every object name, such as textdesk/.'],
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
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'], 'TRUST_PROXY must be true or false.')
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value, context) => {
      const origins = value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== '');
      const wrong = origins.filter((origin) => !isOrigin(origin));
      if (wrong.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `CORS_ORIGINS must be origins such as https://crm.example.com (scheme, host and port only), separated by commas; not ${wrong.join(', ')}.`,
        });
        return z.NEVER;
      }
      return origins;
    }),
  WEBHOOK_RATE_LIMIT: z.coerce
    .number('WEBHOOK_RATE_LIMIT must be a whole number.')
    .int('WEBHOOK_RATE_LIMIT must be a whole number.')
    .min(0, 'WEBHOOK_RATE_LIMIT must be 0 or more.')
    .default(600),
  LOG_LEVEL: LogLevelSchema.default('info'),
  WEBHOOK_ALLOW_LOOPBACK: z
    .enum(['true', 'false', '1', '0'], 'WEBHOOK_ALLOW_LOOPBACK must be true or false.')
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  METRICS_TOKEN: z
    .string()
    .min(16, 'METRICS_TOKEN must be at least 16 characters: it guards the metrics.')
    .optional()
    .transform((value) => value ?? null),
  CARRIER: z
    .enum(['simulator', 'twilio'], 'CARRIER must be simulator or twilio.')
    .default('simulator'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(
      /^AC[0-9a-fA-F]{32}$/u,
      'TWILIO_ACCOUNT_SID must be the account SID from the Twilio console: AC and 32 hexadecimal digits.',
    )
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM: z
    .string()
    .regex(
      /^\+[1-9][0-9]{6,14}$/u,
      'TWILIO_FROM must be a number in E.164 form, such as +12015550100.',
    )
    .optional(),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .regex(
      /^MG[0-9a-fA-F]{32}$/u,
      'TWILIO_MESSAGING_SERVICE_SID must be MG and 32 hexadecimal digits.',
    )
    .optional(),
  TWILIO_API_BASE: z
    .url('TWILIO_API_BASE must be a full URL such as https://api.twilio.com.')
    .default('https://api.twilio.com'),
  MEDIA_STORE: z.enum(['local', 's3'], 'MEDIA_STORE must be local or s3.').default('local'),
  MEDIA_DIR: z.string().min(1).default('./data/media'),
  MEDIA_SECRET: z
    .string()
    .min(32, 'MEDIA_SECRET must be at least 32 characters: it signs media addresses.')
    .optional(),
  S3_BUCKET: z.string().min(3, 'S3_BUCKET must be a bucket name.').optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ENDPOINT: z.url('S3_ENDPOINT must be a full URL such as http://minio:9000.').optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', '1', '0'], 'S3_FORCE_PATH_STYLE must be true or false.')
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  S3_PREFIX: z.string().default(''),
});

export type ServerConfig = z.output<typeof schema>;

/** "https://crm.example.com" or "http://localhost:5173": what a browser sends as Origin. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

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
  if (config.MEDIA_STORE === 's3') {
    const missing = [
      ...(config.S3_BUCKET === undefined
        ? ['Set S3_BUCKET to the bucket pictures and files go in.']
        : []),
      ...(config.MEDIA_SECRET === undefined
        ? [
            'Set MEDIA_SECRET (32 characters or more, the same on every server): it signs media addresses.',
          ]
        : []),
      ...((config.S3_ACCESS_KEY_ID === undefined) !== (config.S3_SECRET_ACCESS_KEY === undefined)
        ? ['Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY together, or neither.']
        : []),
    ];
    if (missing.length > 0) {
      throw new Error(
        `Configuration problem (MEDIA_STORE=s3):\n${missing.map((line) => `  - ${line}`).join('\n')}`,
      );
    }
  }
  if (config.CARRIER === 'twilio') {
    const missing = twilioProblems(config);
    if (missing.length > 0) {
      throw new Error(
        `Configuration problem (CARRIER=twilio):\n${missing.map((line) => `  - ${line}`).join('\n')}`,
      );
    }
  }
  return config;
}

/** What CARRIER=twilio needs and is not set. */
function twilioProblems(config: ServerConfig): string[] {
  const problems: string[] = [];
  if (config.TWILIO_ACCOUNT_SID === undefined) {
    problems.push('Set TWILIO_ACCOUNT_SID to the account SID from the Twilio console (AC…).');
  }
  if (config.TWILIO_AUTH_TOKEN === undefined) {
    problems.push('Set TWILIO_AUTH_TOKEN to the auth token from the Twilio console.');
  }
  if (config.TWILIO_FROM === undefined && config.TWILIO_MESSAGING_SERVICE_SID === undefined) {
    problems.push(
      'Set TWILIO_FROM to the Twilio number to send from, or TWILIO_MESSAGING_SERVICE_SID to a Messaging Service.',
    );
  }
  if (config.TWILIO_FROM !== undefined && config.TWILIO_MESSAGING_SERVICE_SID !== undefined) {
    problems.push('Set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, not both.');
  }
  if (config.PUBLIC_URL === undefined) {
    problems.push(
      'Set PUBLIC_URL to the https:// address Twilio reaches this server at: webhook signatures and delivery callbacks are computed against it.',
    );
  }
  return problems;
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
