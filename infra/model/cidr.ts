/** IPv4 addresses and CIDR blocks: the one place that parses and compares them. */

export function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv4Cidr(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  return extra === undefined && ip !== undefined && isIPv4(ip) && bits !== undefined && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
}

/** The first and last address of a CIDR block, or of one address (a /32); undefined when it is neither. */
export function addressRange(cidrOrIp: string): readonly [number, number] | undefined {
  const block = cidrOrIp.includes('/') ? cidrOrIp : `${cidrOrIp}/32`;
  if (!isIPv4Cidr(block)) return undefined;
  const [ip, bits] = block.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) / size) * size;
  return [start, start + size - 1];
}

/** Whether `outer` (a CIDR) holds every address of `inner` (a CIDR or an address); unparsable values only hold themselves. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = addressRange(outer);
  const b = addressRange(inner);
  if (!a || !b) return outer === inner;
  return a[0] <= b[0] && b[1] <= a[1];
}

/** Whether two CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = addressRange(a);
  const y = addressRange(b);
  if (!x || !y) return a === b;
  return x[0] <= y[1] && y[0] <= x[1];
}
