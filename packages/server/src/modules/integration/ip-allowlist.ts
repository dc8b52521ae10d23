import { BlockList, isIP } from 'node:net';

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets report it), as IPv4. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** The problem with an allowlist entry (an address, or a CIDR range), or null when it is one. */
export function allowlistEntryProblem(entry: string): string | null {
  const [address, bits, ...rest] = entry.trim().split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return 'expected an IP address or a CIDR range such as 203.0.113.0/24';
  if (bits === undefined) return null;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128) ? null : 'the prefix length does not fit the address';
}

/** Whether `address` is in one of `entries` (already checked); an empty list admits every address. */
export function addressAllowed(entries: readonly string[], address: string): boolean {
  if (!entries.length) return true;
  const list = new BlockList();
  for (const entry of entries) {
    const [net, bits] = entry.split('/');
    const type = isIP(net!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(net!, type);
    else list.addSubnet(net!, Number(bits), type);
  }
  const plain = plainAddress(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}
