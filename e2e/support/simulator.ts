import type { PreviewHost } from '../../electron/core/preview/previewHost';
import { customerTexts as textFromPhone } from '../../electron/core/testing/coreHarness';

/** The solo backend's phone simulator, as a customer's phone. */
export function soloUrl(preview: PreviewHost): string {
  const solo = preview.core.solo;
  if (solo === null) throw new Error('The preview host runs no solo backend.');
  return solo.url;
}

/** A customer texts the business number. */
export function customerTexts(preview: PreviewHost, from: string, body: string): Promise<void> {
  return textFromPhone(soloUrl(preview), from, body);
}

/** What the customer's phone has received from the business, oldest first. */
export function received(preview: PreviewHost, phone: string): string[] {
  return preview.core.solo?.server.simulator?.received(phone).map((text) => text.body) ?? [];
}

/** Adds a person to the solo backend's account (as its owner would, over the REST API). */
export async function addPerson(
  preview: PreviewHost,
  person: { readonly name: string; readonly role: 'agent' | 'supervisor' | 'admin' },
): Promise<{ readonly email: string; readonly password: string }> {
  const solo = preview.core.solo;
  if (solo === null) throw new Error('The preview host runs no solo backend.');
  const login = await fetch(`${solo.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(solo.owner),
  });
  const { token } = (await login.json()) as { token: string };
  const credentials = {
    email: `${person.name.toLowerCase()}@team.test`,
    password: `${person.name} has a long password`,
  };
  const created = await fetch(`${solo.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ ...credentials, name: person.name, role: person.role }),
  });
  if (created.status !== 201)
    throw new Error(`Could not add ${person.name}: ${await created.text()}`);
  return credentials;
}
