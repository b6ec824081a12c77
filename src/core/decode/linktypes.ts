/** Link-layer header types (tcpdump.org/linktypes) this decoder knows, with their tshark-like names. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  FDDI: 10,
  RAW_ALIAS_12: 12,
  RAW_ALIAS_14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  ARCNET_LINUX: 129,
  PPI: 192,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  IPOIB: 242,
  LINUX_SLL2: 276,
} as const;

const NAMES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'Ethernet',
  9: 'PPP',
  10: 'FDDI',
  12: 'Raw IP',
  14: 'Raw IP',
  101: 'Raw IP',
  105: 'IEEE 802.11',
  107: 'Frame Relay',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  127: 'IEEE 802.11 radiotap',
  129: 'ARCNET (Linux)',
  192: 'PPI',
  228: 'Raw IPv4',
  229: 'Raw IPv6',
  239: 'NFLOG',
  242: 'IP over InfiniBand',
  276: 'Linux cooked v2 (SLL2)',
};

/** Human name of a link type, e.g. "Ethernet (1)". */
export function linkTypeName(linkType: number): string {
  return `${NAMES[linkType] ?? 'unknown'} (${linkType})`;
}
