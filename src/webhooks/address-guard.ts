// Webhooks go to the customer's own URL, so a subscription could point at our own network (SSRF).
// Outside dev mode only public unicast addresses are called: the host is resolved and EVERY address
// it resolves to is checked, at connect time (the lookup the socket itself uses), so a name that
// resolves to a public address when registered and a private one later is refused too.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

export class RefusedAddressError extends Error {
  constructor(readonly address: string, readonly range: string) {
    super(`${address} is a ${range} address: webhooks are only delivered to public addresses`);
    this.name = 'RefusedAddressError';
  }
}

/** The ipaddr.js range of an address ('unicast' for a public one), IPv4-mapped IPv6 read as IPv4. */
export function addressRange(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range();
}

export function assertPublicAddress(address: string): void {
  const range = addressRange(address);
  if (range !== 'unicast') throw new RefusedAddressError(address, range);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that resolves every address and refuses the request if any is not public. */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    try {
      if (addresses.length === 0) throw new Error(`${hostname} has no address`);
      for (const a of addresses) assertPublicAddress(a.address);
    } catch (e) {
      return callback(e as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

/** For a host written as an IP literal (no lookup happens): checked here. */
export function assertPublicHost(hostname: string): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) assertPublicAddress(bare);
}
