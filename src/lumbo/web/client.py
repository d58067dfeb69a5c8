"""The client's address: the connection's peer, or, only when that peer is one of the configured
proxies (``LUMBO_TRUSTED_PROXIES``), the nearest address in ``X-Forwarded-For`` that is not a
proxy. By default no proxy is trusted, so a client cannot choose its own address by sending the
header (it would otherwise escape the per-address sign-in limits and forge the audit log).
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address

from fastapi import Request

from lumbo.settings import Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def address_of(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The client's address, from the peer and its ``X-Forwarded-For`` header."""
    if peer is None:
        return "unknown"
    if not proxies or forwarded_for is None or not _trusted(peer, proxies):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: trust none of it
        if not _trusted(hop, proxies):
            return hop
    return peer


def client_address(request: Request) -> str:
    proxies = request.app.state.lumbo.settings.trusted_proxies
    peer = request.client.host if request.client else None
    return address_of(peer, request.headers.get("x-forwarded-for"), proxies)
