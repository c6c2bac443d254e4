/** metav1.Time as Kubernetes writes it: RFC 3339 in UTC, to the second (`2024-01-01T00:00:01Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
