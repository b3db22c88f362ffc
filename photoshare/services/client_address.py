"""What the app keeps of a client's address: a key for per-client limits, a coarse network to show."""

import ipaddress


def client_key(addr: str) -> str:
    """The key per-client limits count under: the address, or for IPv6 its /64 (one client holds a
    whole /64, and could otherwise take a fresh address for every attempt)."""
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def coarse_network(addr: str) -> str | None:
    """The network an address belongs to, coarse enough not to identify anyone (IPv4 /24, IPv6
    /48): an approximate place for the sessions page, found without any lookup. None when unknown."""
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return None
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))
