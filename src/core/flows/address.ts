/** Address formatting for flow endpoints. */

/** Dotted quad or RFC 5952 compressed IPv6 for `bytes[offset..]`. */
export function formatAddress(bytes: Uint8Array, offset: number, ipVersion: 4 | 6): string {
  if (ipVersion === 4) return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  // The longest run of two or more zero words becomes "::" (first one on a tie).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** `addr:port`, with IPv6 addresses in brackets. */
export function formatEndpoint(bytes: Uint8Array, offset: number, ipVersion: 4 | 6, port: number): string {
  const addr = formatAddress(bytes, offset, ipVersion);
  return ipVersion === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}
