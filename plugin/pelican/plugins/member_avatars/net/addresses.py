"""Which addresses a host named in a member file may be contacted at: public ones only (pure).

A Mastodon instance, or a picture URL such an instance's API answers, is any host a stranger
can write into a pull request. It is contacted only when every address its name resolves to is
public: not loopback, private, link-local, shared (100.64/10), multicast, reserved or
unspecified, in IPv4, in IPv6, or in IPv4 written inside IPv6 (mapped, 6to4, NAT64). Numeric
spellings that the C library reads as addresses (`2130706433`, `0x7f.1`, `0177.0.0.1`) are
read the same way here, so they are judged as the address they are.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses the name resolves to, as text; raises OSError when it resolves
# to none. The system's resolver in a build; tests put a stand-in DNS in its place.
Lookup = Callable[[str, int], list[str]]

# Ranges `ipaddress` does not count as non-global in every Python we support, or counts as
# global although no public service answers there.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "192.0.0.0/24",  # IETF protocol assignments
        "192.88.99.0/24",  # the old 6to4 relay anycast
        "198.18.0.0/15",  # benchmarking
        "240.0.0.0/4",  # reserved, and the broadcast address
        "2001::/23",  # IETF protocol assignments, Teredo among them
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fec0::/10",  # the old site-local
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class AddressRefused(Exception):
    """A host that may not be contacted; the message says why (host and kind of address)."""


def numeric_address(host: str) -> IPAddress | None:
    """The address `host` spells, in any form the C library accepts (None: a name)."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:
        # inet_aton reads "2130706433", "0x7f000001", "127.1" and "0177.0.0.1" as 127.0.0.1,
        # as getaddrinfo would when the URL reaches the socket layer.
        packed = socket.inet_aton(text)
    except OSError:
        return None
    return ipaddress.IPv4Address(packed)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and leads to (mapped, 6to4, NAT64), or None."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def why_not_public(address: IPAddress) -> str:
    """What kind of non-public address this is ("a loopback address", ...), or "" when it is
    public."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            reason = why_not_public(inner)
            return f"{reason} inside IPv6" if reason else ""
        if address in _IPV4_COMPATIBLE and int(address) > 1:
            # "::1.2.3.4", deprecated since 2006: no public service is reached that way.
            return "an IPv4-compatible IPv6 address"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", any(address in network for network in _NOT_PUBLIC)),
        ("non-public", not address.is_global),
    )
    kind = next((kind for kind, applies in checks if applies), "")
    if not kind:
        return ""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} address"


def system_lookup(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for `host` (IPv4 and IPv6)."""
    answers = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM)
    return [str(sockaddr[0]) for _family, _type, _proto, _name, sockaddr in answers]


def public_address(host: str, port: int, lookup: Lookup) -> str:
    """The address to connect to for `host`: the first it resolves to, when every one of them
    is public. Raises AddressRefused, or OSError when the name does not resolve."""
    spelled = numeric_address(host)
    found = [spelled] if spelled is not None else [parse(text) for text in lookup(host, port)]
    if not found:
        raise OSError(f"{host} resolves to no address")
    for address in found:
        reason = why_not_public(address)
        if reason:
            shown = "is" if spelled is not None else "resolves to"
            raise AddressRefused(f"refused host {host!r}: it {shown} {reason}")
    return str(found[0])


def parse(text: str) -> IPAddress:
    """An address as a resolver writes it (an IPv6 scope, "%eth0", dropped)."""
    return ipaddress.ip_address(text.split("%", 1)[0])
