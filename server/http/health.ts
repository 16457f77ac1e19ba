import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** GET /healthz → 200 {ok: true} while the server runs (for load balancers and scripts). */
export const healthArea: FastifyPluginAsyncZod = (app) => {
  app.get('/healthz', { schema: { response: { 200: z.object({ ok: z.literal(true) }) } } }, () =>
    Promise.resolve({ ok: true as const }),
  );
  return Promise.resolve();
};
