import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Which destinations outbound HTTP (core.http, http runners, components) may reach. */
export interface HttpPolicy {
  /**
   * Allow loopback and private ranges (127/8, 10/8, 172.16/12, 192.168/16, 100.64/10, ::1, fc00::/7).
   * @default true
   */
  allow_private?: boolean;
  /**
   * Allow link-local addresses (169.254/16, fe80::/10); cloud metadata stays refused.
   * @default false
   */
  allow_link_local?: boolean;
  /**
   * Allow cloud metadata endpoints (169.254.169.254, fd00:ec2::254, metadata.google.internal, ...).
   * @default false
   */
  allow_metadata?: boolean;
}

/** Resolves a host name to every address it has (injectable for tests). */
export type HostLookup = (hostname: string) => Promise<string[]>;

const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal']);

function blockList(ipv4: readonly string[], ipv6: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of ipv4) {
    const [net = '', prefix = '32'] = cidr.split('/');
    list.addSubnet(net, Number(prefix), 'ipv4');
  }
  for (const cidr of ipv6) {
    const [net = '', prefix = '128'] = cidr.split('/');
    list.addSubnet(net, Number(prefix), 'ipv6');
  }
  return list;
}

// Built lazily: nothing runs at import time.
let lists: { metadata: BlockList; linkLocal: BlockList; private: BlockList } | null = null;
function getLists(): NonNullable<typeof lists> {
  lists ??= {
    // AWS/GCP/Azure/OpenStack, ECS task metadata, Alibaba, Azure wireserver, Oracle.
    metadata: blockList(
      ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32', '168.63.129.16/32', '192.0.0.192/32'],
      ['fd00:ec2::254/128'],
    ),
    linkLocal: blockList(['169.254.0.0/16'], ['fe80::/10']),
    private: blockList(
      ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '0.0.0.0/8'],
      ['::1/128', '::/128', 'fc00::/7', 'fec0::/10'],
    ),
  };
  return lists;
}

/** Parses an IPv6 address (canonical or not, with or without a dotted IPv4 tail) into its eight 16-bit groups. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const octets = tail[1].split('.').map(Number);
    if (octets.some((o) => o > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${text.slice(0, text.length - tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...rest];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function ipv4Of(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * The IPv4 addresses an IPv6 address reaches or carries: IPv4-mapped (::ffff:0:0/96),
 * IPv4-compatible (::/96), SIIT (::ffff:0:0:0/96), NAT64 (64:ff9b::/96, 64:ff9b:1::/48),
 * 6to4 (2002::/16) and Teredo (2001::/32, server and client). Each is checked like the
 * IPv4 address itself, so `[::a9fe:a9fe]` is the metadata address as surely as 169.254.169.254.
 */
function embeddedIpv4(address: string): string[] {
  const g = ipv6Groups(address);
  if (g === null) return [];
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const last = ipv4Of(g6, g7);
  const found: string[] = [];
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && ((g4 === 0 && (g5 === 0 || g5 === 0xffff)) || (g4 === 0xffff && g5 === 0))) found.push(last);
  if (g0 === 0x64 && g1 === 0xff9b && (g2 === 1 || (g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0))) found.push(last);
  if (g0 === 0x2002) found.push(ipv4Of(g1, g2));
  if (g0 === 0x2001 && g1 === 0) found.push(ipv4Of(g2, g3), ipv4Of(g6 ^ 0xffff, g7 ^ 0xffff));
  return found;
}

/** An address in canonical form: WHATWG spellings (decimal, octal, hex, short IPv4) resolved; null when not an address. */
function canonicalAddress(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return bare;
  if (!/^[0-9a-fx.]+$/i.test(bare)) return null;
  try {
    const host = new URL(`http://${bare}/`).hostname;
    return isIP(host) === 4 ? host : null;
  } catch {
    return null;
  }
}

/** What kind of refused address this is under `policy` ('a link-local address'), or null. */
function refusedKind(address: string, policy: HttpPolicy): string | null {
  const ip = canonicalAddress(address);
  // Not an address we can place: refuse rather than guess.
  if (ip === null) return 'not an IP address';
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  const candidates: Array<[string, 'ipv4' | 'ipv6']> = [[ip, family]];
  if (family === 'ipv6') for (const v4 of embeddedIpv4(ip)) candidates.push([v4, 'ipv4']);
  const { metadata, linkLocal, private: priv } = getLists();
  const any = (list: BlockList): boolean => candidates.some(([a, f]) => list.check(a, f));
  if (!policy.allow_metadata && any(metadata)) return 'a cloud metadata address';
  if (!policy.allow_link_local && any(linkLocal)) return 'a link-local address';
  if (policy.allow_private === false && any(priv)) return 'a private or loopback address';
  return null;
}

/** Why an address is refused under `policy`, or null when it may be contacted. */
export function refusedAddress(address: string, policy: HttpPolicy): string | null {
  const kind = refusedKind(address, policy);
  return kind === null ? null : `'${address}' is ${kind}`;
}

const defaultLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks a URL's host after DNS resolution: every address it resolves to must be allowed.
 * Returns why it is refused, or null. DNS errors propagate (the caller reports them as
 * connection errors).
 */
export async function refusedUrl(url: URL, policy: HttpPolicy, lookup: HostLookup = defaultLookup): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (!policy.allow_metadata && METADATA_HOSTS.has(host)) return `'${host}' is a cloud metadata host`;
  const addresses = isIP(host) === 0 ? await lookup(host) : [host];
  for (const address of addresses) {
    const kind = refusedKind(address, policy);
    if (kind !== null) return host === address ? `'${address}' is ${kind}` : `'${host}' resolves to ${address}, ${kind}`;
  }
  return null;
}
