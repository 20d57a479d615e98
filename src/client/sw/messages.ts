/** Messages the page may post to the worker. workbox-window's messageSkipWaiting() posts {type: 'SKIP_WAITING'}. */
export function isSkipWaitingMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING';
}
