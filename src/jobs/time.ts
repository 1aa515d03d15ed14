/** `"1h 0m 0s"`: whole seconds, no zero padding, hours not wrapped at 24 (the anchor's format). */
export function formatTimeRan(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}h ${m}m ${s}s`;
}

/** ISO 8601 UTC with a `Z`, from epoch milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
