/**
 * The forms a secret can take on its way out: as is, URL-encoded (query strings), JSON-escaped,
 * base64 and base64url (basic auth, JWT payloads), hex. A leak search looks for all of them.
 */
export function canaryForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [
    ...new Set([
      value,
      encodeURIComponent(value),
      JSON.stringify(value).slice(1, -1),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
    ]),
  ];
}

/** The forms of any of the values found in a text (for a readable failure), empty when none. */
export function findCanaries(text: string, values: readonly string[]): string[] {
  return values.flatMap((v) =>
    canaryForms(v)
      .filter((form) => text.includes(form))
      .map(() => v),
  );
}
