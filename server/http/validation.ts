/**
 * Request parsing and checking, compiled once per route at startup: the
 * zod type provider's validator (with the NUL-character check in front of
 * body schemas) and serializer, and a 415 for routes whose body is missing
 * or of another media type.
 */
import type {
  FastifySchemaCompiler,
  FastifySchemaValidationError,
  onRouteHookHandler,
  preValidationHookHandler,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { findNul, nulMessage } from '../../shared/protocol/commands';
import { HttpError, invalidInput, sendsMediaType, unsupportedMediaType } from './errors';
import type { MediaKind } from './types';

export { serializerCompiler };

/** zod's validator; for bodies, NUL characters are refused first, wherever they are. */
export const validatorWithNulCheck: FastifySchemaCompiler<ZodType> = (route) => {
  const validate = validatorCompiler(route);
  if (route.httpPart !== 'body') return validate;
  return (data) => {
    const nul = findNul(data);
    if (nul !== null) return { error: new HttpError(422, 'invalid-input', nulMessage(nul)) };
    return validate(data);
  };
};

/** Fastify's schemaErrorFormatter: zod's issues as one 422. */
export const formatSchemaErrors = (errors: FastifySchemaValidationError[]): Error =>
  invalidInput(errors);

const requireMediaType =
  (kind: MediaKind): preValidationHookHandler =>
  (request, _reply, done) => {
    done(sendsMediaType(request, kind) ? undefined : unsupportedMediaType(kind));
  };

/**
 * An onRoute hook: routes with a body schema read JSON, routes with
 * `config.accepts` that kind. A request with no body at all has nothing
 * parsed, so the media type is checked again before validation.
 */
export const mediaTypeCheck: onRouteHookHandler = (route) => {
  const kind = route.config?.accepts ?? (route.schema?.body === undefined ? undefined : 'json');
  if (kind === undefined) return;
  const hook = requireMediaType(kind);
  const existing = route.preValidation;
  route.preValidation =
    existing === undefined
      ? [hook]
      : Array.isArray(existing)
        ? [hook, ...existing]
        : [hook, existing];
};
