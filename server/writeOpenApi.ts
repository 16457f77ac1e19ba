/**
 * `npm run openapi`: writes the REST API's OpenAPI document to
 * docs/api/openapi.json from the routes' schemas. A test fails when the
 * file is not what the code would write, so run this after changing a route.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from './http/openapiDocument';

const file = join(import.meta.dirname, '..', 'docs', 'api', 'openapi.json');
writeFileSync(file, await openApiText());
console.log(`Wrote ${file}`);
