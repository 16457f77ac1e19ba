/**
 * The phone simulator page: text the business as any number and see its
 * replies. Plain HTML and a small script; texts are shown with textContent,
 * never as HTML.
 */
export const SIMULATOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Phone simulator · Textdesk</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: Canvas; color: CanvasText; }
  main { max-width: 420px; margin: 24px auto; padding: 0 16px; }
  h1 { font-size: 20px; }
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  input, textarea, button { font: inherit; width: 100%; box-sizing: border-box; padding: 8px 10px; border-radius: 8px; border: 1px solid #8886; }
  button { margin-top: 10px; background: #2457d6; color: white; border: none; cursor: pointer; }
  ol { list-style: none; padding: 0; display: flex; flex-direction: column; gap: 6px; margin-top: 20px; }
  li { max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
  li.sent { align-self: flex-end; background: #2457d6; color: white; }
  li.received { align-self: flex-start; background: #8882; }
  .error { color: #c62828; }
  .hint { color: #888; font-size: 13px; }
</style>
</head>
<body>
<main>
  <h1>Phone simulator</h1>
  <p class="hint">Text the business as any phone number and see its replies. Try HELP, STOP or START.</p>
  <form id="compose">
    <label for="from">Your number</label>
    <input id="from" name="from" value="+1 201 555 0123" autocomplete="off" required>
    <label for="body">Message</label>
    <textarea id="body" name="body" rows="3" maxlength="1600" required></textarea>
    <button type="submit">Send</button>
    <p id="status" role="status" aria-live="polite"></p>
  </form>
  <ol id="thread" aria-label="Conversation"></ol>
</main>
<script src="/simulator/app.js"></script>
</body>
</html>
`;

export const SIMULATOR_SCRIPT = `'use strict';
const form = document.getElementById('compose');
const from = document.getElementById('from');
const body = document.getElementById('body');
const status = document.getElementById('status');
const thread = document.getElementById('thread');

async function refresh() {
  const response = await fetch('/simulator/messages?phone=' + encodeURIComponent(from.value));
  if (!response.ok) return;
  const { texts } = await response.json();
  thread.replaceChildren(...texts.map((text) => {
    const item = document.createElement('li');
    item.className = text.direction;
    item.textContent = text.body;
    return item;
  }));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.textContent = 'Sending…';
  status.className = '';
  const response = await fetch('/simulator/inbound', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: from.value, body: body.value }),
  });
  if (response.ok) {
    body.value = '';
    status.textContent = 'Sent.';
  } else {
    const { error } = await response.json();
    status.textContent = error.message;
    status.className = 'error';
  }
  await refresh();
});

from.addEventListener('change', refresh);
setInterval(refresh, 1000);
refresh();
`;
