"""Network guards: deadlines against servers that drip, and which addresses count as public.

The servers are real sockets on loopback that write one byte at a time, each
well within any per-read timeout; every test is bounded by a watchdog.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
from conftest import bounded

from briefing import netguard
from briefing.deliver import DeliveryError, MailSettings, send

GREETING = b"220 " + b"s" * 200 + b" ESMTP slow\r\n"  # 40 s at the drip rate below


@contextmanager
def dripping_server(payload: bytes, *, interval: float = 0.2, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """A loopback server that writes ``payload`` a byte every ``interval`` to each client."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def drip(connection: socket.socket) -> None:
        with connection:
            if tls is not None:
                try:
                    connection = tls.wrap_socket(connection, server_side=True)
                except (OSError, ssl.SSLError):
                    return
            for byte in payload:
                if stop.is_set():
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(interval)

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


# --- deadlines ----------------------------------------------------------------------------


def test_a_line_read_a_byte_at_a_time_ends_at_the_deadline():
    with dripping_server(b"x" * 100 + b"\n", interval=0.05) as port:
        deadline = netguard.Deadline(0.5)
        sock = netguard.connect("127.0.0.1", port, deadline)
        started = time.monotonic()
        with sock, pytest.raises(TimeoutError):
            bounded(5, sock.makefile("rb").readline)
        assert 0.3 < time.monotonic() - started < 1.0


def test_a_slow_resolver_ends_at_the_deadline(monkeypatch):
    def slow(*args, **kwargs):
        time.sleep(3)
        raise AssertionError("never waited for")

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    with pytest.raises(netguard.DeadlineExceeded, match="resolving slow.test"):
        bounded(5, netguard.resolve, "slow.test", 80, netguard.Deadline(0.3))
    assert time.monotonic() - started < 1.0


def test_an_expired_deadline_refuses_to_start():
    deadline = netguard.Deadline(0.01)
    time.sleep(0.02)
    with pytest.raises(netguard.DeadlineExceeded, match="timed out after 0.01 s"):
        deadline.remaining()


def mail_settings(port: int, **overrides) -> MailSettings:
    values = {"host": "127.0.0.1", "port": port, "security": "plain", "sender": "a@example.org", "timeout": 1.0}
    return MailSettings(**(values | overrides))


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", "test"
    mail.set_content("test")
    return mail


def test_smtp_greeting_dripped_a_byte_at_a_time_fails_at_the_limit():
    with dripping_server(GREETING) as port:
        started = time.monotonic()
        with pytest.raises(DeliveryError) as info:
            bounded(10, send, message(), mail_settings(port))
        elapsed = time.monotonic() - started
    assert "did not answer within 1 s" in str(info.value)  # the limit that really held
    assert elapsed < 2.0, elapsed


def test_smtp_over_tls_dripped_after_the_handshake_fails_at_the_limit(tmp_path):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with dripping_server(GREETING, tls=server_context) as port:
        started = time.monotonic()
        with pytest.raises(DeliveryError) as info:
            bounded(10, send, message(), mail_settings(port, security="tls", ca_file=str(ca_file)))
        elapsed = time.monotonic() - started
    assert "did not answer within 1 s" in str(info.value)
    assert elapsed < 2.0, elapsed


def test_smtp_client_is_plain_smtplib_otherwise():
    """The deadline client talks SMTP like smtplib's own (a real exchange, aiosmtpd)."""
    controller_module = pytest.importorskip("aiosmtpd.controller")

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = controller_module.Controller(Sink(), hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        client = netguard.smtp_client("127.0.0.1", port, seconds=5)
        with client:
            assert isinstance(client, smtplib.SMTP)
            assert client.noop()[0] == 250
            assert client.sendmail("a@example.org", ["b@example.org"], b"Subject: x\r\n\r\nx\r\n") == {}
    finally:
        controller.stop()


# --- public addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("::ffff:8.8.8.8", None),  # mapped: judged as the IPv4 address
        ("127.0.0.1", "loopback"),
        ("127.9.9.9", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("100.64.0.1", "shared"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("fec0::1", "site-local"),
        ("::7f00:1", "reserved"),  # IPv4-compatible, deprecated
    ],
)
def test_what_counts_as_public(address, kind):
    assert netguard.non_public_kind(ipaddress.ip_address(address)) == kind


def addresses(*ips: str) -> list[tuple]:
    return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 80)) for ip in ips]


def test_policy_allows_names_addresses_and_networks():
    policy = netguard.AddressPolicy.allowing(["Intranet.Example.", "[::1]", "10.0.0.0/8", "", "192.168.1.7"])
    policy.check("intranet.example", addresses("172.16.0.1"))  # by name: whatever it resolves to
    policy.check("anything.example", addresses("10.20.30.40", "8.8.8.8"))  # by network
    policy.check("::1", addresses("::1"))
    policy.check("printer", addresses("192.168.1.7"))
    with pytest.raises(netguard.AddressRefused, match=r"printer \(192.168.1.8\) is a private address"):
        policy.check("printer", addresses("192.168.1.8"))
    with pytest.raises(netguard.AddressRefused, match="127.0.0.1 is a loopback address"):
        policy.check("127.0.0.1", addresses("127.0.0.1"))


def test_every_address_of_a_name_must_pass():
    with pytest.raises(netguard.AddressRefused, match=r"\(127.0.0.1\) is a loopback"):
        netguard.AddressPolicy().check("mixed.example", addresses("8.8.8.8", "127.0.0.1"))


def test_literals_are_checked_without_resolving(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("resolved"))
    with pytest.raises(netguard.AddressRefused):
        netguard.AddressPolicy().check_literal("[::ffff:169.254.169.254]")
    netguard.AddressPolicy().check_literal("news.example")  # a name: left to resolution
    netguard.AddressPolicy().check_literal("8.8.8.8")


def test_allowed_names_are_matched_as_requests_write_them():
    policy = netguard.AddressPolicy.allowing(["内网.example"])
    policy.check("xn--v6q792i.example", addresses("10.0.0.1"))  # urlsplit + IDNA, as fetch sends it
