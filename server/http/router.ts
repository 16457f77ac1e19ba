import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendError } from './io';

export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  params: Readonly<Record<string, string>>,
) => Promise<void>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: Handler;
}

/** A small router: "/api/v1/contacts/:phone" style paths, one handler per method. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/gu, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
      'u',
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /** Answers a request; false when no route has its path (so others, like socket.io, may). */
  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    onError: (error: unknown) => void,
  ): Promise<boolean> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const matching = this.routes.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) return false;
    const route = matching.find((candidate) => candidate.method === request.method);
    try {
      if (route === undefined) {
        throw new HttpError(
          405,
          'method-not-allowed',
          `${request.method ?? ''} is not allowed here.`,
          {
            Allow: matching.map((candidate) => candidate.method).join(', '),
          },
        );
      }
      const match = route.pattern.exec(url.pathname);
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        try {
          params[name] = decodeURIComponent(match?.[index + 1] ?? '');
        } catch {
          throw new HttpError(400, 'bad-path', 'The address has a broken %-escape.');
        }
      });
      await route.handler(request, response, params);
    } catch (error) {
      if (error instanceof HttpError) {
        sendError(response, error);
      } else {
        onError(error);
        if (!response.headersSent) {
          sendError(
            response,
            new HttpError(500, 'internal', 'Something went wrong on the server.'),
          );
        } else {
          response.destroy();
        }
      }
    }
    return true;
  }
}
