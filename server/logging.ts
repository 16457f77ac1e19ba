/**
 * The server's logger: pino, one JSON object a line (pretty when stdout is
 * a terminal). What is logged never holds a message body, a password, a
 * token, a secret, a cookie or a whole phone number: known keys are
 * redacted, and the serializers mask every phone number to its last four
 * digits.
 */
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LogLevelSchema = z.enum(
  LOG_LEVELS,
  `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`,
);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export type { Logger };

/** "+12015550123" → "***0123": enough to tell two contacts apart in a log, not to text one. */
export function maskPhone(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '***';
  const digits = String(value).replace(/\D/gu, '');
  return digits.length <= 4 ? '***' : `***${digits.slice(-4)}`;
}

/**
 * International (+…) numbers, North American ones as people write them,
 * and bare runs of 10 to 15 digits. Dates and times (2026-11-23, 14:02:11)
 * are left alone.
 */
const PHONE_IN_TEXT =
  /\+\d[\d ().-]{5,18}\d|\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b|(?<![\d.:-])\d{10,15}(?![\d.:-])/gu;

/** Every phone number in a text (an error message, a stack) masked as `maskPhone` does. */
export const maskPhonesIn = (text: string): string => text.replace(PHONE_IN_TEXT, maskPhone);

/** An error as pino's serializer gives it, with each string in it masked. */
function maskedError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? maskPhonesIn(error) : error;
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    // Database drivers attach the statement's values; they may be anything a customer wrote.
    if (key === 'parameters' || key === 'params' || key === 'body') continue;
    masked[key] = typeof value === 'string' ? maskPhonesIn(value) : value;
  }
  return masked;
}

/** Paths pino replaces with "[redacted]" wherever they appear at the top or one level down. */
const SECRET_KEYS = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'body',
  'text',
  'headers',
];
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

export const serializers = {
  err: maskedError,
  error: maskedError,
  phone: maskPhone,
  from: maskPhone,
  to: maskPhone,
  // Only the method and the route's pattern: a raw URL can hold a token (/u/:token) or a number.
  req: (request: { method?: string; routeOptions?: { url?: string } }) => ({
    method: request.method,
    route: request.routeOptions?.url ?? null,
  }),
  res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
};

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where lines go; unset: stdout, pretty on a terminal. Tests pass a stream to read them. */
  readonly destination?: DestinationStream | undefined;
}

export function createLogger({ level, destination }: LoggerOptions): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination !== undefined) return pino(options, destination);
  if (level !== 'silent' && process.stdout.isTTY) {
    return pino(
      options,
      pretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' }),
    );
  }
  return pino(options);
}
