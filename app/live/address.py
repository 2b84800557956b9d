"""The address students' devices should use: the base of every join link.

Never built from a request's Host header (a client chooses that). In order: the public
URL setting; the machine's network address when the server listens on every interface
(0.0.0.0 or ::); the listen address itself."""

import ipaddress
import socket
from urllib.parse import urlsplit

ANY = ("0.0.0.0", "::", "")


def network_address() -> str | None:
    """The IPv4 address of the interface that carries traffic out of this machine, or
    None. A UDP socket's connect() only picks a route: no packet is sent. (Listing
    interfaces needs psutil or parsing `ip`; the route's interface is also the right
    one on a laptop with Wi-Fi, Docker and VPN interfaces side by side.)"""
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.connect((probe, 9))
                address = str(udp.getsockname()[0])
            except OSError:
                continue
        if not ipaddress.ip_address(address).is_loopback and address != "0.0.0.0":
            return address
    try:
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not ipaddress.ip_address(str(sockaddr[0])).is_loopback:
                return str(sockaddr[0])
    except OSError:
        pass
    return None


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def join_base(public_url: str | None, listen_host: str, listen_port: int) -> str:
    """'http://192.168.1.20:8000' (no trailing slash)."""
    if public_url:
        return public_url.rstrip("/")
    host = listen_host
    if host in ANY:
        host = network_address() or "127.0.0.1"
    return f"http://{_host(host)}:{listen_port}"


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
