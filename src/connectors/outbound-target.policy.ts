import dns from 'node:dns';
import net from 'node:net';
import { NamedError } from '../domain/named-error';

/** A request the hub refused to send because its target is an internal address. */
export class ForbiddenTargetError extends NamedError {
  readonly code = 'EFORBIDDENTARGET';
  constructor(message: string) {
    super(message);
  }
}

/** Address ranges no hub-initiated request may reach unless the operator allows it. */
const INTERNAL = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  INTERNAL.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fe80::', 10], // link-local
  ['fc00::', 7], // unique local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 of an IPv4 address
] as const)
  INTERNAL.addSubnet(net6, bits, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part counts as two). */
function ipv6Groups(address: string): number[] {
  let a = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number);
    a = a.slice(0, dotted.index) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const zeros = tail !== undefined ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...zeros, ...t].map((g) => parseInt(g, 16));
}

/** The IPv4 address embedded in an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`) IPv6 address, if any. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (g.length !== 8 || g.slice(0, 5).some((x) => x !== 0) || (g[5] !== 0xffff && g[5] !== 0)) return null;
  if (g[5] === 0 && g[6] === 0) return null; // :: and ::1 are IPv6's own
  return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
}

/**
 * Whether `address` (an IP literal) is loopback, link-local, private,
 * unspecified, multicast or otherwise internal, for IPv4, IPv6 and IPv4
 * mapped into IPv6.
 */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return INTERNAL.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address: refuse rather than guess
  const v4 = embeddedIpv4(bare);
  if (v4 && net.isIPv4(v4)) return INTERNAL.check(v4, 'ipv4');
  return INTERNAL.check(bare, 'ipv6');
}

/** How the operator configured outbound targets. */
export interface OutboundTargetOptions {
  /** Allow internal addresses everywhere (HUB_ALLOW_PRIVATE_TARGETS=on; tests and the demo run their simulators on loopback). */
  allowPrivate: boolean;
  /** Origins (`http://host:port`) the operator configured and trusts whatever they resolve to (HUB_SOURCES_URL, HUB_ALLOWED_TARGETS). */
  trustedOrigins?: readonly string[];
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * Where requests the hub makes on behalf of API callers (webhooks, declarative
 * connectors with a base URL of their own) may go. Internal addresses are
 * refused unless the operator allows them; the check runs on the URL (an IP
 * literal), after name resolution (the address the socket connects to, so a
 * name that resolves to 127.0.0.1 is refused too) and on every redirect.
 */
export class OutboundTargetPolicy {
  private readonly trusted: Set<string>;

  constructor(readonly options: OutboundTargetOptions) {
    this.trusted = new Set((options.trustedOrigins ?? []).map((o) => new URL(o).origin));
  }

  /** A policy that allows everything (for code paths that only reach operator-configured targets). */
  static allowAll(): OutboundTargetPolicy {
    return new OutboundTargetPolicy({ allowPrivate: true });
  }

  /** Whether the operator configured this origin itself. */
  isTrusted(url: URL): boolean {
    return this.options.allowPrivate || this.trusted.has(url.origin);
  }

  /** Throws {@link ForbiddenTargetError} when `url` is not http(s) or is an internal IP literal (which the socket connects to without a lookup). */
  checkUrl(target: string | URL): URL {
    const url = typeof target === 'string' ? new URL(target) : target;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ForbiddenTargetError(`target ${url.origin} must use http or https`);
    if (this.isTrusted(url)) return url;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A name is checked when it is resolved ({@link lookupFor}): what it resolves to is what counts.
    if (net.isIP(host) && isInternalAddress(host)) throw this.refusal(url.host, host);
    return url;
  }

  /**
   * A `dns.lookup` replacement for `http.request({ lookup })` that refuses
   * internal addresses after resolution; `trusted()` says whether the current
   * target (which changes on a redirect) was configured by the operator.
   */
  lookupFor(trusted: () => boolean): net.LookupFunction {
    return ((hostname: string, options: dns.LookupOptions | LookupCallback, callback?: LookupCallback) => {
      const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
      const opts: dns.LookupOptions = typeof options === 'function' ? {} : options;
      dns.lookup(hostname, { ...opts, all: true }, (err, addresses) => {
        if (err) return cb(err, opts.all ? [] : '', undefined);
        const list = addresses as dns.LookupAddress[];
        if (!this.options.allowPrivate && !trusted()) {
          const bad = list.find((a) => isInternalAddress(a.address));
          if (bad) return cb(this.refusal(hostname, bad.address), opts.all ? [] : '', undefined);
        }
        if (opts.all) return cb(null, list);
        cb(null, list[0].address, list[0].family);
      });
    }) as net.LookupFunction;
  }

  private refusal(host: string, address: string): ForbiddenTargetError {
    return new ForbiddenTargetError(
      `target ${host} resolves to an internal address (${address}); the hub sends requests only to public addresses unless the operator allows internal ones (HUB_ALLOW_PRIVATE_TARGETS=on or HUB_ALLOWED_TARGETS)`,
    );
  }
}
