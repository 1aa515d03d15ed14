import ipaddr from "ipaddr.js";

/**
 * IPv4 blocks ipaddr.js calls "unicast" although nothing public lives there (documentation,
 * benchmarking, IETF protocol assignments, the old class E).
 */
const EXTRA_NON_PUBLIC_V4: Array<[string, number]> = [
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["240.0.0.0", 4],
];

/** IPv6 blocks that carry an IPv4 address in their last 32 bits: the IPv4 address decides. */
const EMBEDS_V4_LOW32 = new Set(["ipv4Mapped", "rfc6145", "rfc6052"]);

function publicV4(a: ipaddr.IPv4): boolean {
  if (a.range() !== "unicast") return false;
  return !EXTRA_NON_PUBLIC_V4.some(([net, bits]) => a.match(ipaddr.IPv4.parse(net), bits));
}

const v4FromBytes = (b: number[]) => new ipaddr.IPv4(b);

function publicV6(a: ipaddr.IPv6): boolean {
  const range = a.range();
  const bytes = a.toByteArray();
  if (EMBEDS_V4_LOW32.has(range)) return publicV4(v4FromBytes(bytes.slice(12)));
  // 6to4 (2002::/16): the tunnel's IPv4 end sits in bits 16–48.
  if (range === "6to4") return publicV4(v4FromBytes(bytes.slice(2, 6)));
  // Teredo (2001::/32): the server's IPv4 in bits 32–64, the client's inverted in the last 32.
  if (range === "teredo") return publicV4(v4FromBytes(bytes.slice(4, 8))) && publicV4(v4FromBytes(bytes.slice(12).map((x) => x ^ 0xff)));
  if (range !== "unicast") return false;
  // IPv4-compatible addresses (::/96, deprecated) and local-use NAT64 (64:ff9b:1::/48) reach IPv4 hosts too.
  if (bytes.slice(0, 12).every((x) => x === 0)) return false;
  if (a.match(ipaddr.IPv6.parse("64:ff9b:1::"), 48)) return false;
  return true;
}

/** True for an address on the public internet; false for loopback, private, link-local, reserved, and every IPv6 form of those. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const a = ipaddr.parse(ip);
  return a.kind() === "ipv4" ? publicV4(a as ipaddr.IPv4) : publicV6(a as ipaddr.IPv6);
}

/** Names that never mean a public host, whatever DNS says. */
const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home", ".corp", ".private", ".home.arpa", ".localdomain"];

export type HostVerdict = { kind: "address"; public: boolean } | { kind: "name"; public: boolean; name: string };

/**
 * What a URL's hostname (as the URL parser gives it: IPv6 in brackets, IPv4 in dotted form) is:
 * an address, public or not, or a name, refused outright when it is local by definition.
 */
export function classifyHost(hostname: string): HostVerdict {
  const host = hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) return { kind: "address", public: isPublicAddress(host.slice(1, -1)) };
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return { kind: "address", public: isPublicAddress(host) };
  // "localhost." and "localhost" are the same name.
  const name = host.replace(/\.+$/, "");
  if (ipaddr.isValid(name)) return { kind: "address", public: isPublicAddress(name) };
  // A single label ("metadata", "localhost") is resolved through search domains, never publicly.
  const local = name === "" || !name.includes(".") || LOCAL_SUFFIXES.some((s) => name.endsWith(s));
  return { kind: "name", public: !local, name };
}
