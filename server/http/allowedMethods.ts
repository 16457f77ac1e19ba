import type { onRouteHookHandler } from 'fastify';

interface Known {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * The methods each route path answers, so a request for a known path with
 * another method is a 405 with `Allow`, not a 404. Fed by an onRoute hook;
 * paths are matched as the router does, ":name" standing for one segment.
 */
export class AllowedMethods {
  private readonly known = new Map<string, Known>();

  readonly onRoute: onRouteHookHandler = (route) => {
    // Catch-alls (the CORS preflight's OPTIONS *) say nothing about a path.
    if (route.url.includes('*')) return;
    let entry = this.known.get(route.url);
    if (entry === undefined) {
      const source = route.url
        .split(/(:[A-Za-z]\w*)/u)
        .map((part) => (part.startsWith(':') ? '[^/]+' : escapeRegExp(part)))
        .join('');
      entry = { pattern: new RegExp(`^${source}$`, 'u'), methods: new Set() };
      this.known.set(route.url, entry);
    }
    for (const method of [route.method].flat()) entry.methods.add(method);
  };

  /** The methods at this request URL's path, in the order routes were added; empty when none. */
  at(url: string): string[] {
    const path = url.split('?', 1)[0] ?? url;
    const methods: string[] = [];
    for (const { pattern, methods: here } of this.known.values()) {
      if (pattern.test(path)) methods.push(...here);
    }
    return [...new Set(methods)];
  }
}
