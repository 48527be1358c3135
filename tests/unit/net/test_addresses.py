"""Which addresses a host named in a member file may be contacted at: pure functions."""

import ipaddress
import socket

import pytest
from pelican.plugins.member_avatars.net.addresses import (
    AddressRefused,
    numeric_address,
    public_address,
    why_not_public,
)
from social_services import stand_in_dns


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata services
        ("100.64.0.1", "non-public"),  # shared address space
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("192.0.2.10", "private"),  # documentation
        ("198.18.0.1", "private"),  # benchmarking
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "private"),
        ("::ffff:127.0.0.1", "loopback, inside IPv6"),
        ("::ffff:10.0.0.5", "private, inside IPv6"),
        ("2002:7f00:1::", "loopback, inside IPv6"),  # 6to4 around 127.0.0.1
        ("64:ff9b::a00:5", "private, inside IPv6"),  # NAT64 around 10.0.0.5
        ("::127.0.0.1", "IPv4-compatible IPv6"),  # "an IPv4-compatible IPv6 address"
    ],
)
def test_addresses_that_are_not_public(address, kind):
    article = "an" if kind[0] in "aeiouI" else "a"
    shown = kind.removesuffix(", inside IPv6")
    expected = f"{article} {shown} address" + (" inside IPv6" if shown != kind else "")
    assert why_not_public(ipaddress.ip_address(address)) == expected


@pytest.mark.parametrize(
    "address",
    ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_public_addresses(address):
    assert why_not_public(ipaddress.ip_address(address)) == ""


@pytest.mark.parametrize(
    "spelling", ["2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "127.1", "127.0.0.1"]
)
def test_numeric_spellings_are_read_as_the_address_they_are(spelling):
    assert numeric_address(spelling) == ipaddress.IPv4Address("127.0.0.1")


def test_a_name_is_no_numeric_address():
    assert numeric_address("social.example.net") is None
    assert numeric_address("[::1]") == ipaddress.IPv6Address("::1")


def test_every_address_a_name_resolves_to_is_checked():
    dns = stand_in_dns({"mixed.test": ["93.184.215.14", "2606:4700::1111", "10.0.0.5"]})
    with pytest.raises(AddressRefused, match=r"'mixed\.test': it resolves to a private address"):
        public_address("mixed.test", 443, dns)


def test_the_first_address_of_a_public_name_is_the_one_connected_to():
    dns = stand_in_dns({"public.test": ["93.184.215.14", "2606:4700::1111"]})
    assert public_address("public.test", 443, dns) == "93.184.215.14"
    assert dns.calls == ["public.test"]


def test_a_numeric_host_is_judged_without_a_lookup():
    dns = stand_in_dns({})
    with pytest.raises(AddressRefused, match="it is a loopback address"):
        public_address("2130706433", 80, dns)
    with pytest.raises(AddressRefused, match="it is a private address"):
        public_address("10.0.0.5", 80, dns)
    assert dns.calls == []


def test_a_name_that_resolves_to_nothing_is_an_os_error():
    with pytest.raises(socket.gaierror):
        public_address("nowhere.test", 443, stand_in_dns({}))
    with pytest.raises(OSError, match="no address"):
        public_address("empty.test", 443, stand_in_dns({"empty.test": []}))
