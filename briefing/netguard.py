"""Network guards: one deadline for a whole exchange, and public addresses only.

Two commands talk to servers: ``fetch`` (HTTP) and ``send`` (SMTP).

A socket timeout bounds each read, not the exchange: a server that sends its
headers (or its SMTP greeting) one byte a second never trips it, and kept
``fetch --timeout 5`` busy for 92 s.  :class:`Deadline` fixes the moment the
whole exchange must be over; the sockets made here give every operation --
connect, TLS handshake, each send and each read -- only the time left until
then, and the resolver (which has no timeout of its own) is waited for no
longer either.

``fetch`` follows links it reads from feeds and redirects, so without a guard a
feed or a redirect could point it at ``127.0.0.1/admin`` or a cloud metadata
address and have the answer saved as an article.  :class:`AddressPolicy`
refuses any address that is not public (loopback, private, link-local, shared,
reserved, multicast) unless the user allows the host, and :func:`resolve` is
called once per connection: the socket connects to exactly the addresses that
were checked, so a second DNS answer (rebinding) cannot switch it elsewhere.
"""

from __future__ import annotations

import functools
import ipaddress
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
AddrInfo = tuple  # one socket.getaddrinfo() entry: (family, type, proto, canonname, sockaddr)

# IPv6 forms that carry an IPv4 address a gateway will reach on our behalf.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


# --- the deadline --------------------------------------------------------------------


class DeadlineExceeded(TimeoutError):
    """The whole exchange took longer than its limit."""


class Deadline:
    """The moment by which a whole exchange must be over."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._expires = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, always > 0; raises DeadlineExceeded once there are none."""
        left = self._expires - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"timed out after {self.seconds:g} s")
        return left

    def arm(self, sock: socket.socket) -> None:
        """Let the next blocking operation on ``sock`` last no longer than the time left."""
        sock.settimeout(self.remaining())

    @functools.cached_property
    def ssl_socket_class(self) -> type[ssl.SSLSocket]:
        """An SSLSocket class bound to this deadline, for ``SSLContext.sslsocket_class``.

        ssl builds the TLS socket itself (``wrap_socket``, smtplib's STARTTLS),
        and does the handshake before returning it, so the deadline must be
        known to the class, not set on the object afterwards.
        """
        return type("DeadlineSSLSocket", (_DeadlineSSLSocket,), {"deadline": self})


class _DeadlineSocket(socket.socket):
    """A TCP socket whose every blocking call is armed with the time left.

    ``makefile`` readers (http.client, smtplib) call ``recv_into`` here, so a
    header line read a byte at a time is bounded as a whole.
    """

    deadline: Deadline

    def connect(self, address) -> None:  # noqa: ANN001 - socket's signature
        self.deadline.arm(self)
        super().connect(address)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self.deadline.arm(self)
        return super().recv(bufsize, flags)

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:  # noqa: ANN001
        self.deadline.arm(self)
        return super().recv_into(buffer, nbytes, flags)

    def send(self, data, flags: int = 0) -> int:  # noqa: ANN001
        self.deadline.arm(self)
        return super().send(data, flags)

    def sendall(self, data, flags: int = 0) -> None:  # noqa: ANN001
        # sendall's timeout already bounds the whole call (Python >= 3.5).
        self.deadline.arm(self)
        super().sendall(data, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    """The TLS counterpart; ``deadline`` is a class attribute (see Deadline.ssl_socket_class).

    ``recv`` and ``recv_into`` go through ``read``, ``sendall`` through ``send``;
    each of ssl's calls treats its timeout as a deadline for that call.
    """

    deadline: Deadline

    def do_handshake(self, block: bool = False) -> None:
        self.deadline.arm(self)
        super().do_handshake(block)

    def read(self, len: int = 1024, buffer=None):  # noqa: A002, ANN001 - ssl's signature
        self.deadline.arm(self)
        return super().read(len, buffer)

    def send(self, data, flags: int = 0) -> int:  # noqa: ANN001
        self.deadline.arm(self)
        return super().send(data, flags)


def resolve(host: str, port: int, deadline: Deadline) -> list[AddrInfo]:
    """The host's TCP addresses, found within the deadline.

    getaddrinfo has no timeout, so a name (not an IP literal) is looked up in a
    daemon thread that is left behind if time runs out.
    """
    if _ip_literal(host) is not None:
        return _unique(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    outcome: dict[str, object] = {}

    def look_up() -> None:
        try:
            outcome["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=look_up, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise DeadlineExceeded(f"timed out after {deadline.seconds:g} s (resolving {host})")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return _unique(outcome["addresses"])  # type: ignore[arg-type]


def _unique(addresses: Iterable[AddrInfo]) -> list[AddrInfo]:
    seen: set[tuple] = set()
    kept = []
    for entry in addresses:
        key = (entry[0], entry[4])
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def open_connection(addresses: Sequence[AddrInfo], deadline: Deadline) -> socket.socket:
    """A socket connected to the first of ``addresses`` that answers, bound to the deadline."""
    if not addresses:
        raise OSError("no address to connect to")
    last_error: OSError | None = None
    for family, kind, proto, _canonical, sockaddr in addresses:
        sock = _DeadlineSocket(family, kind, proto)
        sock.deadline = deadline
        try:
            sock.connect(sockaddr)
        except DeadlineExceeded:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        return sock
    assert last_error is not None
    raise last_error


def connect(host: str, port: int, deadline: Deadline) -> socket.socket:
    """Resolve and connect within the deadline (no address check: for a host the user configured)."""
    return open_connection(resolve(host, port, deadline), deadline)


# --- SMTP with a deadline -----------------------------------------------------------


class _DeadlineSMTPMixin:
    """smtplib, with the session's sockets (plain and after STARTTLS) bound to one deadline."""

    deadline: Deadline

    def _get_socket(self, host, port, timeout):  # noqa: ANN001, ANN202 - smtplib's hook
        return connect(host, port, self.deadline)

    def starttls(self, *, context=None):  # noqa: ANN001, ANN202
        context = context or ssl.create_default_context()
        context.sslsocket_class = self.deadline.ssl_socket_class
        return super().starttls(context=context)


class _DeadlineSMTP(_DeadlineSMTPMixin, smtplib.SMTP):
    def __init__(self, host: str, port: int, deadline: Deadline):
        self.deadline = deadline
        super().__init__(host, port, timeout=deadline.seconds)


class _DeadlineSMTPSSL(_DeadlineSMTPMixin, smtplib.SMTP_SSL):
    def __init__(self, host: str, port: int, deadline: Deadline, context: ssl.SSLContext):
        self.deadline = deadline
        context.sslsocket_class = deadline.ssl_socket_class
        super().__init__(host, port, timeout=deadline.seconds, context=context)

    def _get_socket(self, host, port, timeout):  # noqa: ANN001, ANN202
        sock = connect(host, port, self.deadline)
        return self.context.wrap_socket(sock, server_hostname=self._host)


def smtp_client(
    host: str, port: int, *, seconds: float, implicit_tls: bool = False, context: ssl.SSLContext | None = None
) -> smtplib.SMTP:
    """An smtplib client, connected and greeted, whose whole session must end within ``seconds``.

    A timeout shows up as smtplib shows one (TimeoutError, or
    SMTPServerDisconnected caused by one), so callers handle it as before.
    """
    deadline = Deadline(seconds)
    if implicit_tls:
        return _DeadlineSMTPSSL(host, port, deadline, context or ssl.create_default_context())
    return _DeadlineSMTP(host, port, deadline)


# --- public addresses -------------------------------------------------------------------


def _ascii_host(name: str) -> str:
    """A host name as it appears in a request (IDNA for non-ASCII names)."""
    try:
        return name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError:
        return name


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 form stands for (mapped, NAT64, 6to4), else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def non_public_kind(address: IPAddress) -> str | None:
    """None for a public unicast address; else what it is ("loopback", "private", ...)."""
    address = _embedded_ipv4(address)
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:  # 100.64.0.0/10, carrier-grade NAT
        return "shared"
    return None


class AddressRefused(Exception):
    """A host resolved to an address the policy does not let us reach."""

    def __init__(self, host: str, address: IPAddress, kind: str):
        shown = host if _ip_literal(host) is not None else f"{host} ({address})"
        article = "an" if kind[0] in "aeiou" else "a"
        super().__init__(f"{shown} is {article} {kind} address")
        self.host = host
        self.address = address
        self.kind = kind


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Public addresses only, except hosts the user allows.

    An allowed entry is a host name (matched against the URL's host, whatever
    it resolves to), an IP address, or a network such as ``10.0.0.0/8``
    (matched against the resolved address).
    """

    host_names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def allowing(cls, entries: Iterable[str]) -> AddressPolicy:
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            entry = entry.strip().strip("[]").rstrip(".").lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.add(_ascii_host(entry))
        return cls(frozenset(names), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        if non_public_kind(address) is None:
            return True
        if host.strip("[]").rstrip(".").lower() in self.host_names:
            return True
        return any(address.version == net.version and address in net for net in self.networks)

    def check(self, host: str, addresses: Sequence[AddrInfo]) -> None:
        """Raise AddressRefused unless every address of ``host`` may be reached.

        Every address, not just one: a name that answers with a public and a
        loopback address is refused rather than half trusted.
        """
        for entry in addresses:
            address = ipaddress.ip_address(entry[4][0].split("%", 1)[0])
            if not self.allows(host, address):
                raise AddressRefused(host, address, non_public_kind(address) or "non-public")

    def check_literal(self, host: str) -> None:
        """Check a host that is an IP literal without resolving anything (a no-op for names)."""
        address = _ip_literal(host)
        if address is not None and not self.allows(host, address):
            raise AddressRefused(host, address, non_public_kind(address) or "non-public")
