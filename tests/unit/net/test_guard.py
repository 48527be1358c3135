"""The adapter connects to the address that was checked, with the name kept for the Host
header, TLS's server name and the certificate check: real sockets on loopback addresses,
names answered by a stand-in DNS (nothing else could resolve them)."""

from __future__ import annotations

import ssl

import pytest
import requests
import trustme
from pelican.plugins.member_avatars.net.addresses import public_address
from pelican.plugins.member_avatars.net.guard import HostRefused, NameNotFound, PinnedAdapter
from social_services import privileged_server, stand_in_dns

PINNED, OTHER = "127.0.0.7", "127.0.0.8"


def session_with(adapter: PinnedAdapter) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def first_answer(dns):
    """A pick that takes what the DNS answers first as checked (the test's stand-in for a
    public address: the policy itself is tested in test_addresses.py)."""
    return lambda host, port: dns(host, port)[0]


def nothing_exempt(host: str, port: int) -> bool:
    return False


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host():
    dns = stand_in_dns({"instance.test": [PINNED]})
    with privileged_server(PINNED, 80) as server:
        server.set_file("/x", b"{}", "application/json")
        with session_with(PinnedAdapter(nothing_exempt, first_answer(dns))) as session:
            response = session.get("http://instance.test/x", timeout=5)
    assert response.status_code == 200
    assert [seen.host_header for seen in server.requests] == ["instance.test"]
    assert dns.calls == ["instance.test"]


def test_a_dns_answer_that_changes_after_the_check_moves_no_connection():
    answers = iter([[PINNED], [OTHER], [OTHER]])
    dns = stand_in_dns({"rebind.test": lambda: next(answers)})
    with privileged_server(PINNED, 80) as pinned, privileged_server(OTHER, 80) as other:
        pinned.set_file("/x", b"{}", "application/json")
        with session_with(PinnedAdapter(nothing_exempt, first_answer(dns))) as session:
            assert session.get("http://rebind.test/x", timeout=5).status_code == 200
    assert pinned.count("/x") == 1
    assert other.connections == 0  # the second answer was never asked for, nor used
    assert dns.calls == ["rebind.test"]


def test_with_the_public_address_rule_a_rebound_name_is_refused_before_connecting():
    answers = iter([["93.184.215.14"], [OTHER]])
    dns = stand_in_dns({"rebind.test": lambda: next(answers)})
    guard = PinnedAdapter(nothing_exempt, lambda host, port: public_address(host, port, dns))
    with privileged_server(OTHER, 80) as other, session_with(guard) as session:
        # The first answer is public and would be connected to: not here, where nothing public
        # may be contacted. The lookup of the second request answers the loopback address.
        request = requests.Request("GET", "http://rebind.test/x").prepare()
        adapter = session.get_adapter(request.url)
        assert adapter.build_connection_pool_key_attributes(request, True)[0]["host"] == (
            "93.184.215.14"
        )
        with pytest.raises(HostRefused, match="resolves to a loopback address"):
            session.get("http://rebind.test/x", timeout=5)
    assert other.connections == 0


@pytest.fixture(scope="module")
def certificate_authority():
    return trustme.CA()


def tls_server(ca: trustme.CA, name: str):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    return privileged_server(PINNED, 443, tls=context)


def test_tls_sends_the_name_and_checks_the_certificate_against_it(certificate_authority):
    dns = stand_in_dns({"instance.test": [PINNED], "impostor.test": [PINNED]})
    with (
        tls_server(certificate_authority, "instance.test") as server,
        certificate_authority.cert_pem.tempfile() as bundle,
        session_with(PinnedAdapter(nothing_exempt, first_answer(dns))) as session,
    ):
        server.set_file("/x", b"{}", "application/json")
        response = session.get("https://instance.test/x", timeout=5, verify=bundle)
        assert response.status_code == 200
        assert server.server_names == ["instance.test"]
        # The same address under another name: the certificate does not match it.
        with pytest.raises(requests.exceptions.SSLError):
            session.get("https://impostor.test/x", timeout=5, verify=bundle)
        # A certificate no trusted authority issued.
        with pytest.raises(requests.exceptions.SSLError):
            session.get("https://instance.test/x", timeout=5)
    assert server.count("/x") == 1


def test_an_exempt_host_is_connected_to_as_requests_does(social_server):
    dns = stand_in_dns({})
    social_server.set_file("/x", b"{}", "application/json")
    guard = PinnedAdapter(lambda host, port: host == "127.0.0.1", first_answer(dns))
    with session_with(guard) as session:
        assert session.get(social_server.url("/x"), timeout=5).status_code == 200
    assert dns.calls == []


def test_another_port_is_refused_before_any_lookup(social_server):
    dns = stand_in_dns({"instance.test": ["127.0.0.1"]})
    guard = PinnedAdapter(nothing_exempt, first_answer(dns))
    with session_with(guard) as session, pytest.raises(HostRefused, match="only the usual port"):
        session.get(f"http://instance.test:{social_server.port}/x", timeout=5)
    assert dns.calls == []
    assert social_server.connections == 0


def test_a_name_that_resolves_to_nothing():
    guard = PinnedAdapter(nothing_exempt, first_answer(stand_in_dns({})))
    with session_with(guard) as session, pytest.raises(NameNotFound):
        session.get("http://nowhere.test/x", timeout=5)


def test_plain_http_through_a_proxy_is_refused_for_a_checked_host():
    dns = stand_in_dns({"instance.test": [PINNED]})
    with privileged_server(PINNED, 80) as proxy:
        guard = PinnedAdapter(nothing_exempt, first_answer(dns))
        with session_with(guard) as session, pytest.raises(HostRefused, match="through a proxy"):
            session.get(
                "http://instance.test/x", timeout=5, proxies={"http": f"http://{PINNED}:80"}
            )
    assert proxy.connections == 0
