"""The requests adapter that connects to a checked address: no second DNS answer in between.

For a host outside AVATAR_ALLOWED_HOSTS the adapter resolves the name once, checks every
address (`addresses.public_address`) and hands urllib3 the checked address to connect to, with
the name as the `Host` header, the TLS server name (SNI) and the name the certificate must
match. urllib3 never resolves the name itself, so a DNS answer that changes between the check
and the connection (rebinding) changes nothing. Hosts in AVATAR_ALLOWED_HOSTS are connected to
as requests always does: that is how an intranet instance, or a test server, is reached.

The technique is the one of requests-hardened and of Microsoft's AntiSSRF library
(`build_connection_pool_key_attributes`); see docs/sources-social.md for why it is ours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from .addresses import AddressRefused

if TYPE_CHECKING:  # the types-requests stubs' names for what the adapter builds
    from requests.adapters import _HostParams, _PoolKwargs

# (host, port) -> whether the host is exempt from the address check (AVATAR_ALLOWED_HOSTS).
Exempt = Callable[[str, int], bool]
# (host, port) -> the checked address to connect to (`addresses.public_address` with the
# build's resolver); raises AddressRefused, or OSError when the name resolves to nothing.
Pick = Callable[[str, int], str]
DEFAULT_PORTS = {"http": 80, "https": 443}


class HostRefused(requests.RequestException):
    """No connection was made: the host may not be contacted (the message says why)."""


class NameNotFound(requests.ConnectionError):
    """The host's name resolves to no address."""


class PinnedAdapter(HTTPAdapter):
    """An HTTPAdapter that connects to checked public addresses only, except for exempt hosts.

    `pick` resolves and checks a name once per request; the connection goes to the address
    it answered, and nothing resolves the name again.
    """

    def __init__(self, exempt: Exempt, pick: Pick, **kwargs: Any):
        super().__init__(**kwargs)
        self.exempt = exempt
        self.pick = pick

    def build_connection_pool_key_attributes(
        self,
        request: requests.PreparedRequest,
        verify: bool | str,
        cert: str | tuple[str, str] | None = None,
    ) -> tuple[_HostParams, _PoolKwargs]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        scheme, name = host_params["scheme"], host_params["host"]
        port = host_params["port"] or DEFAULT_PORTS.get(scheme, 0)
        if self.exempt(name, port):
            return host_params, pool_kwargs
        if port != DEFAULT_PORTS.get(scheme):
            raise HostRefused(f"refused host {name!r}: only the usual port of {scheme}")
        try:
            address = self.pick(name, port)
        except AddressRefused as exc:
            raise HostRefused(str(exc)) from None
        except (OSError, UnicodeError) as exc:
            raise NameNotFound(f"{name} resolves to no address") from exc
        # The headers may be shared with other requests (the session's): change a copy.
        headers = CaseInsensitiveDict(request.headers or {})
        headers["Host"] = f"[{name}]" if ":" in name else name
        request.headers = headers
        if scheme == "https":
            # The certificate must match the name, and the server learns the name (SNI):
            # without these, urllib3 would check the certificate against the address. (Both
            # are urllib3 pool arguments the stubs' TypedDict does not list.)
            tls = cast("dict[str, Any]", pool_kwargs)
            tls["server_hostname"] = name
            tls["assert_hostname"] = name
        host_params["host"] = f"[{address}]" if ":" in address else address
        return host_params, pool_kwargs

    def request_url(self, request: requests.PreparedRequest, proxies: Any) -> str:
        url: str = super().request_url(request, proxies)
        if url.startswith("http://"):
            # A plain-http request through a proxy names the host, not the address, and the
            # proxy would resolve it anew: refused for a checked host (https tunnels go to the
            # checked address).
            host = str(request.headers.get("Host", "")) if request.headers else ""
            if host and not self.exempt(host.strip("[]"), 80):
                raise HostRefused(f"refused host {host!r}: plain http through a proxy")
        return url
