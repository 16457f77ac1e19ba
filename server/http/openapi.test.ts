import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CommandSchema } from '../../shared/protocol/commands';
import { startTestApp, type TestApp } from '../testing/app';
import { openApiText } from './openapiDocument';

interface Operation {
  readonly security?: readonly unknown[];
  readonly tags?: readonly string[];
  readonly requestBody?: unknown;
}
interface Document {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
}

const FILE = join(import.meta.dirname, '..', '..', 'docs', 'api', 'openapi.json');

describe('the OpenAPI document', () => {
  let app: TestApp;
  let served: Document;

  beforeAll(async () => {
    app = await startTestApp('sqlite');
    const response = await fetch(`${app.server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    served = (await response.json()) as Document;
  });
  afterAll(() => app.close());

  test('is valid OpenAPI 3.1', async () => {
    expect(served.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(
      served as unknown as Parameters<Validator['validate']>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('docs/api/openapi.json is what the code describes (run `npm run openapi` after changing a route)', async () => {
    expect(readFileSync(FILE, 'utf8')).toBe(await openApiText());
  });

  test('documents every command the desktop can send, and the campaign among them', () => {
    for (const option of CommandSchema.options) {
      const path = `/api/v1/commands/${option.shape.type.value}`;
      expect(served.paths[path]?.post, path).toBeDefined();
      expect(served.paths[path]?.post?.tags).toEqual(['commands']);
    }
    expect(served.paths['/api/v1/commands/campaign.send']?.post?.requestBody).toMatchObject({
      content: {
        'application/json': { schema: { required: ['name', 'listId', 'purpose', 'body'] } },
      },
    });
  });

  test('what it says needs a token does: each such route answers 401 without one', async () => {
    const secured: [string, string][] = [];
    for (const [path, operations] of Object.entries(served.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Public routes say so; /metrics has its own token, or answers this machine without one.
        if (operation.security?.length === 0 || path === '/metrics') continue;
        secured.push([method.toUpperCase(), path.replaceAll(/\{[^}]+\}/gu, '2015550123')]);
      }
    }
    expect(secured.length).toBeGreaterThan(30);
    const statuses = await Promise.all(
      secured.map(async ([method, path]) => {
        const response = await fetch(`${app.server.url}${path}`, {
          method,
          ...(method !== 'GET' && {
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          }),
        });
        return [method, path, response.status] as const;
      }),
    );
    expect(statuses.filter(([, , status]) => status !== 401)).toEqual([]);
  });

  test('a docs page reads it, with nothing loaded from elsewhere', async () => {
    const page = await fetch(`${app.server.url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/u);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/https?:/u);
    expect(await page.text()).toContain('swagger');
  });
});
