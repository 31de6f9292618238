// Maps every failure to the catalogue's shape: { statusCode, code, message, requestId, details? }.
// Client mistakes are 4xx (logged at warn), everything unexpected is 500 (logged at error).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorCatalogue, type ErrorCode } from '../errors.js';
import { constraintViolation } from '../store/constraints.js';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: unknown;
}

export function errorBody(request: FastifyRequest, err: AppError): ErrorBody {
  return {
    statusCode: err.status,
    code: err.code,
    message: err.message,
    requestId: String(request.id),
    ...(err.details !== undefined ? { details: err.details } : {}),
  };
}

export function toAppError(err: FastifyError | Error, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const detail = fe.validation
      .map((v) => {
        const where = (v.instancePath || '').replace(/^\//, '').replaceAll('/', '.') || fe.validationContext || 'input';
        const allowed = (v.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
        return `${where} ${v.message}${allowed ? ` (${allowed.join(', ')})` : ''}`;
      })
      .join('; ');
    return new AppError('VALIDATION_FAILED', { detail: `${fe.validationContext ?? 'input'}: ${detail}` }, fe.validation.map((v) => ({ path: v.instancePath, message: v.message })));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', { detail: fe.message });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 0 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { type: String(request.headers['content-type'] ?? '(none)').slice(0, 100) });
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return new AppError('RATE_LIMITED', { retryAfter: 60 });
  }
  const broken = constraintViolation(err);
  if (broken === 'unique') return new AppError('CONFLICT', { detail: 'it already exists' });
  if (broken === 'foreign_key') return new AppError('CONFLICT', { detail: 'something it refers to was removed' });
  if (broken === 'bad_text') return new AppError('VALIDATION_FAILED', { detail: 'text contains characters that cannot be stored (such as NUL)' });
  if (fe.statusCode === 429) return new AppError('RATE_LIMITED', { retryAfter: 60 });
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // A 4xx from Fastify or a plugin that has no entry of its own: still a client mistake.
    return new AppError('VALIDATION_FAILED', { detail: fe.message });
  }
  return new AppError('INTERNAL', { requestId: String(request.id) });
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appErr = toAppError(err, request);
    if (appErr.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.warn({ code: appErr.code, msg: appErr.message }, 'request refused');
    if (appErr.code === 'RATE_LIMITED') reply.header('retry-after', '60');
    return reply.status(appErr.status).send(errorBody(request, appErr));
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new AppError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0]!.slice(0, 200) });
    return reply.status(404).send(errorBody(request, err));
  });
});

export function listErrorCodes(): Array<{ code: ErrorCode; status: number; message: string }> {
  return (Object.keys(errorCatalogue) as ErrorCode[]).map((code) => ({ code, ...errorCatalogue[code] }));
}
