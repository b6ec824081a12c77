/** IP protocol numbers (IANA; IPv4's Protocol and IPv6's Next Header) the IP layer dispatches on. */
export const enum IpProto {
  HOPOPTS = 0,
  ICMP = 1,
  IPIP = 4,
  TCP = 6,
  UDP = 17,
  IPV6 = 41,
  ROUTING = 43,
  FRAGMENT = 44,
  GRE = 47,
  AH = 51,
  ICMPV6 = 58,
  DSTOPTS = 60,
  COMP = 108,
  MOBILITY = 135,
}
