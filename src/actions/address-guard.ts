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

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata.azure.internal']);

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
    metadata: blockList(['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32'], ['fd00:ec2::254/128']),
    linkLocal: blockList(['169.254.0.0/16'], ['fe80::/10']),
    private: blockList(
      ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '0.0.0.0/8'],
      ['::1/128', '::/128', 'fc00::/7'],
    ),
  };
  return lists;
}

/** `::ffff:a.b.c.d` and `::ffff:XXXX:XXXX` reach IPv4 hosts; check them as IPv4. */
function unmapIpv4(address: string): string {
  const match = /^::ffff:(.+)$/i.exec(address);
  if (!match?.[1]) return address;
  const rest = match[1];
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex?.[1] || !hex[2]) return address;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** What kind of refused address this is under `policy` ('a link-local address'), or null. */
function refusedKind(address: string, policy: HttpPolicy): string | null {
  const ip = unmapIpv4(address);
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  const { metadata, linkLocal, private: priv } = getLists();
  if (!policy.allow_metadata && metadata.check(ip, family)) return 'a cloud metadata address';
  if (!policy.allow_link_local && linkLocal.check(ip, family)) return 'a link-local address';
  if (policy.allow_private === false && priv.check(ip, family)) return 'a private or loopback address';
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
