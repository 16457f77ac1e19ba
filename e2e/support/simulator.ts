import type { PreviewHost } from '../../electron/core/preview/previewHost';

/** The solo backend's phone simulator, as a customer's phone. */
export function soloUrl(preview: PreviewHost): string {
  const solo = preview.core.solo;
  if (solo === null) throw new Error('The preview host runs no solo backend.');
  return solo.url;
}

/** A customer texts the business number. */
export async function customerTexts(
  preview: PreviewHost,
  from: string,
  body: string,
): Promise<void> {
  const response = await fetch(`${soloUrl(preview)}/simulator/inbound`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from, body }),
  });
  if (!response.ok) throw new Error(`The simulator refused the text: ${await response.text()}`);
}

/** What the customer's phone has received from the business, oldest first. */
export function received(preview: PreviewHost, phone: string): string[] {
  return preview.core.solo?.server.simulator?.received(phone).map((text) => text.body) ?? [];
}
