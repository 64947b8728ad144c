/** The parts of Electron's WebFrameMain and IpcMainInvokeEvent the sender check reads. */
export type FrameLike = { readonly url: string; readonly parent: FrameLike | null };
export type IpcEventLike = {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
};

/**
 * `scheme://host[:port]` of a URL, or undefined. Node's URL reports the origin of a non-special
 * scheme such as app:// as the string "null", so it is rebuilt from protocol and host here.
 */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True only for a message from the main frame of our own window while it shows our own page:
 * not from an iframe, another window or webContents, a page that navigated elsewhere, or a frame
 * that is already gone (Electron then gives `senderFrame: null`).
 */
export function isTrustedSender(
  event: IpcEventLike,
  window: { webContentsId(): number | undefined; trustedOrigins: ReadonlySet<string> },
): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (event.sender.id !== window.webContentsId()) return false;
  const origin = originOf(frame.url);
  return origin !== undefined && window.trustedOrigins.has(origin);
}
