/**
 * The page side of the preview bridge, served as a classic script before
 * the app's module: it builds `window.textdesk` with the same shape as the
 * preload's, carrying calls and events over a WebSocket to the preview
 * host. Plain browser JavaScript, generated from the contract's names.
 *
 * The run's token comes in the page URL; it is moved to sessionStorage and
 * taken out of the address bar, so a reload keeps working and the token is
 * not left in the history.
 */
export function bridgeScript(
  methods: readonly string[],
  events: readonly string[],
  socketPath: string,
): string {
  return `(() => {
  'use strict';
  const METHODS = ${JSON.stringify(methods)};
  const EVENTS = ${JSON.stringify(events)};
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl !== null) {
    sessionStorage.setItem('textdesk-preview-token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest === '' ? '' : '?' + rest) + location.hash);
  }
  const token = sessionStorage.getItem('textdesk-preview-token') || '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = scheme + '//' + location.host + ${JSON.stringify(socketPath)} + '?token=' + encodeURIComponent(token);
  let socket;
  let opened;
  let nextId = 1;
  const waiting = new Map();
  const listeners = new Set();
  const connect = () => {
    socket = new WebSocket(url);
    opened = new Promise((resolve) => {
      socket.addEventListener('open', () => resolve(true));
      socket.addEventListener('close', () => resolve(false));
    });
    socket.addEventListener('message', (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (typeof frame.id === 'number') {
        const done = waiting.get(frame.id);
        waiting.delete(frame.id);
        if (done) done(frame.result);
      } else if (typeof frame.event === 'string') {
        for (const listener of listeners) listener(frame.event, frame.payload);
      }
    });
    socket.addEventListener('close', () => {
      for (const done of waiting.values()) {
        done({ ok: false, error: { code: 'disconnected', message: 'The preview host stopped.' } });
      }
      waiting.clear();
    });
  };
  connect();
  const invoke = async (method, input) => {
    if (!(await opened)) {
      return { ok: false, error: { code: 'disconnected', message: 'The preview host is not running.' } };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, input }));
    });
  };
  const api = {};
  for (const method of METHODS) {
    const [namespace, name] = method.split('.');
    (api[namespace] ||= {})[name] = (input) => invoke(method, input);
  }
  api.on = (event, listener) => {
    if (!EVENTS.includes(event)) throw new Error('Unknown event “' + event + '”.');
    const forward = (name, payload) => { if (name === event) listener(payload); };
    listeners.add(forward);
    return () => listeners.delete(forward);
  };
  for (const value of Object.values(api)) if (typeof value === 'object') Object.freeze(value);
  Object.defineProperty(window, 'textdesk', { value: Object.freeze(api) });
})();
`;
}
