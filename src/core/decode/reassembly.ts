/**
 * IP fragment reassembly for what the decoder follows inside IP (tunnels, IPComp, ICMP): whole
 * datagrams rebuilt from IPv4 or IPv6 fragments into reused buffers.
 */
/** Datagrams reassembled at once; the oldest is dropped for a new one beyond this. */
const REASSEMBLY_SLOTS = 16;
/** Largest fragmentable part: IPv4's total length and IPv6's payload length are 16 bits. */
const MAX_DATAGRAM = 0x10000;

class PendingDatagram {
  readonly key = new Uint8Array(40);
  used = false;
  stamp = 0;
  /** Bytes of the datagram, allocated when the slot is first used. */
  data = new Uint8Array(0);
  /** One byte per 8-byte unit: 1 once a fragment covered it. */
  readonly covered = new Uint8Array(MAX_DATAGRAM / 8);
  units = 0;
  /** Length once the last fragment (more-fragments clear) arrived, else -1. */
  total = -1;
  /** Fragments added so far. */
  fragments = 0;
}

/**
 * IPv4 (RFC 791) and IPv6 (RFC 8200 §4.5) fragment reassembly, as tshark does by default: the
 * datagram appears at the frame that completes it. Fragments overlap harmlessly (later bytes win).
 */
export class Reassembler {
  /** The caller writes the datagram's identity here (`keyIpv4`, `keyIpv6`) before `add`. */
  private readonly key = new Uint8Array(40);
  private readonly slots: PendingDatagram[] = [];
  private clock = 0;
  /** The last completed datagram, valid until the next `add`. */
  datagram: Uint8Array = new Uint8Array(0);
  view = new DataView(new ArrayBuffer(0));
  /** Fragments of datagrams dropped for newer ones before they completed. */
  private abandoned = 0;

  /** Fragments held that never completed a datagram (so far). */
  get incomplete(): number {
    return this.abandoned + this.slots.reduce((n, s) => n + (s.used ? s.fragments : 0), 0);
  }

  /** Identity of an IPv4 fragment: version, protocol, identification, source and destination. */
  keyIpv4(v: DataView, ip: number, protocol: number): void {
    const k = this.key;
    k.fill(0);
    k[0] = 4;
    k[1] = protocol;
    k[2] = v.getUint8(ip + 4);
    k[3] = v.getUint8(ip + 5);
    for (let i = 0; i < 8; i++) k[6 + i] = v.getUint8(ip + 12 + i);
  }

  /** Identity of an IPv6 fragment: version, the 32-bit identification, source and destination. */
  keyIpv6(v: DataView, ip: number, fragmentHeader: number): void {
    const k = this.key;
    k.fill(0);
    k[0] = 6;
    for (let i = 0; i < 4; i++) k[2 + i] = v.getUint8(fragmentHeader + 4 + i);
    for (let i = 0; i < 32; i++) k[6 + i] = v.getUint8(ip + 8 + i);
  }

  /**
   * Add `length` bytes at `offset` of the keyed datagram. Returns the datagram's length when this
   * completed it, -1 while it is incomplete, -2 for a fragment that cannot be part of one (not held).
   */
  add(bytes: Uint8Array, start: number, length: number, offset: number, more: boolean): number {
    if (offset + length > MAX_DATAGRAM || (more && length % 8 !== 0) || length <= 0) return -2;
    const slot = this.slotFor();
    slot.fragments++;
    if (slot.data.length === 0) slot.data = new Uint8Array(MAX_DATAGRAM);
    slot.data.set(bytes.subarray(start, start + length), offset);
    for (let u = offset >> 3, last = (offset + length + 7) >> 3; u < last; u++) {
      if (!slot.covered[u]) {
        slot.covered[u] = 1;
        slot.units++;
      }
    }
    if (!more) slot.total = offset + length;
    if (slot.total < 0 || slot.units < (slot.total + 7) >> 3) return -1;
    slot.used = false;
    if (this.datagram !== slot.data) {
      this.datagram = slot.data;
      this.view = new DataView(slot.data.buffer);
    }
    return slot.total;
  }

  private slotFor(): PendingDatagram {
    let free: PendingDatagram | undefined;
    let oldest: PendingDatagram | undefined;
    for (const s of this.slots) {
      if (s.used && sameKey(s.key, this.key)) return s;
      if (!s.used) free ??= s;
      else if (!oldest || s.stamp < oldest.stamp) oldest = s;
    }
    let slot = free;
    if (!slot && this.slots.length < REASSEMBLY_SLOTS) this.slots.push((slot = new PendingDatagram()));
    if (!slot) {
      slot = oldest!;
      this.abandoned += slot.fragments;
    }
    slot.key.set(this.key);
    slot.used = true;
    slot.stamp = this.clock++;
    slot.covered.fill(0);
    slot.units = 0;
    slot.total = -1;
    slot.fragments = 0;
    return slot;
  }
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
