import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { badInput } from '../../graphql/errors.js';

/** Resolves a host name to all its addresses (dns.lookup with `all`; tests give their own names). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/** IPv4 ranges no webhook may reach: this host, private networks, link-local (cloud metadata), shared, reserved, multicast. */
const V4_BLOCKED: Array<[number, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
].map(([net, bits]) => [v4ToInt(net as string), bits as number]);

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

const inV4 = (ip: number, [net, bits]: [number, number]) => bits === 0 || ip >>> (32 - bits) === net >>> (32 - bits);

/** The eight 16-bit groups of an IPv6 address (with an embedded IPv4 tail, if written so). */
function v6Groups(ip: string): number[] {
  let text = ip.split('%')[0]!.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4ToInt(tail[1]!);
    text = `${text.slice(0, -tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const a = head ? head.split(':') : [];
  const b = rest !== undefined && rest ? rest.split(':') : [];
  const fill = rest !== undefined ? Array(8 - a.length - b.length).fill('0') : [];
  return [...a, ...fill, ...b].map((g) => parseInt(g, 16));
}

/**
 * Whether a webhook may not connect to `ip`: loopback, private, link-local,
 * unique-local, multicast or reserved, in IPv4 or IPv6, including IPv4
 * written as IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::`).
 */
export function isForbiddenAddress(ip: string): boolean {
  const family = isIP(ip.split('%')[0]!);
  if (family === 4) return V4_BLOCKED.some((range) => inV4(v4ToInt(ip), range));
  if (family !== 6) return true;
  const g = v6Groups(ip);
  const embeddedV4 = ((g[6]! << 16) | g[7]!) >>> 0;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(5) && g[5] === 0xffff) return V4_BLOCKED.some((r) => inV4(embeddedV4, r)); // ::ffff:a.b.c.d
  if (zeros(6)) return true; // ::, ::1 and the deprecated ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return V4_BLOCKED.some((r) => inV4(embeddedV4, r));
  const first = g[0]!;
  return (
    (first & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (first & 0xffc0) === 0xfec0 || // fec0::/10 site-local (deprecated)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x2001 && g[1] === 0x0db8)
  ); // documentation
}

export interface UrlRules {
  /** http:// and loopback or private addresses allowed (WEBHOOKS_ALLOW_INSECURE: development and tests). */
  allowInsecure: boolean;
}

const unsafe = (message: string) =>
  badInput(message, { reason: 'UNSAFE_URL', fields: [{ field: 'url', messages: [message], reason: 'UNSAFE_URL' }] });

/** The URL an endpoint may have: https (http only when allowed), no credentials, and a literal address that is allowed. */
export function checkUrlForm(text: string, rules: UrlRules): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw unsafe('not a URL');
  }
  if (url.protocol !== 'https:' && !(rules.allowInsecure && url.protocol === 'http:')) throw unsafe('the URL must start with https://');
  if (url.username || url.password) throw unsafe('the URL may not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !rules.allowInsecure && isForbiddenAddress(host)) throw unsafe(`${host} is a private, loopback or link-local address`);
  return url;
}

/** At save: the host's every address must be allowed (checked again at every connection). */
export async function checkUrl(text: string, rules: UrlRules, resolve: Resolver): Promise<URL> {
  const url = checkUrlForm(text, rules);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || rules.allowInsecure) return url;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    throw unsafe(`${host} does not resolve`);
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad || !addresses.length) throw unsafe(`${host} resolves to ${bad?.address ?? 'nothing'}, a private, loopback or link-local address`);
  return url;
}

/** Refused at connect time: the address the name resolved to when the request was made. */
export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS';
}

/**
 * The `lookup` of a webhook's connection: resolves the name and refuses
 * the connection when an address is not allowed, so a name that resolves
 * elsewhere at send time than at save time (DNS rebinding) is caught where
 * it matters. Literal addresses skip lookup; `checkUrlForm` covers them.
 */
export function guardedLookup(resolve: Resolver, rules: UrlRules): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        const bad = rules.allowInsecure ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
        if (bad) throw new ForbiddenAddressError(`${hostname} resolved to ${bad.address}, which webhooks may not reach`);
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (!wanted.length) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
        if (options.all) (callback as (err: null, addresses: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}
