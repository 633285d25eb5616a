"""Mail delivery against real SMTP servers on loopback (aiosmtpd, trustme, raw sockets).

Every server is started by a fixture on 127.0.0.1 with a free port and stopped
when the test ends; every client timeout is a few seconds at most.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
aiosmtpd_smtp = pytest.importorskip("aiosmtpd.smtp")
trustme = pytest.importorskip("trustme")

from briefing.deliver import (  # noqa: E402
    DEFAULT_SUBJECT,
    PASSWORD_ENV,
    DeliveryError,
    MailSettings,
    ascii_filename,
    compose,
    resolve_password,
    send,
    send_pdf,
)
from briefing.errors import BriefingError  # noqa: E402
from briefing.models import (  # noqa: E402
    Article,
    Brief,
    Point,
    Sentence,
    Source,
    ThemeSection,
    ThemeSpec,
    Translation,
)

# aiosmtpd warns about AUTH without STARTTLS, but on the implicit-TLS server every byte is TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

TODAY = dt.date(2024, 5, 22)
TIMEOUT = 5.0
USER, PASSWORD = "robot", "s3cret-pw"

# A minimal valid PDF (one empty page); the xref offsets are computed below.
_PDF_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
]


def minimal_pdf() -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(_PDF_OBJECTS, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(_PDF_OBJECTS) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(_PDF_OBJECTS) + 1, xref)
    return bytes(out)


# --------------------------------------------------------------------------
# Fixtures: files, a brief, servers
# --------------------------------------------------------------------------


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "brief-2024-05-22.pdf"
    path.write_bytes(minimal_pdf())
    return path


@pytest.fixture
def chinese_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "中美简报 2024-05-22.pdf"
    path.write_bytes(minimal_pdf())
    return path


@pytest.fixture(autouse=True)
def _no_env_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def make_brief() -> Brief:
    source = Source(path="xinhua.md", title="人工智能治理", date=TODAY, outlet="新华社")
    other = Source(path="caixin.md", title="芯片出口", date_text="5月20日", outlet="财新")

    def sentence(text: str, src: Source, position: int) -> Sentence:
        return Sentence(text=text, norm=text, source=src, paragraph=0, position=position, start=0, end=len(text))

    governance = sentence("国务院发布<b>人工智能</b>治理框架。", source, 0)
    chips = sentence("美国扩大芯片出口管制范围。", other, 0)
    p1 = Point(
        sentence=governance,
        score=2.0,
        occurrences=[governance],
        theme="governance",
        english=Translation("State Council issue <b>AI</b> governance framework.", "gist"),
    )
    p2 = Point(sentence=chips, score=1.5, occurrences=[chips], theme="export", english=Translation("", "none"))
    gov = ThemeSpec(id="governance", label_zh="治理", label_en="Governance")
    export = ThemeSpec(id="export", label_zh="出口管制", label_en="Export controls")
    return Brief(
        title_zh="中美人工智能政策简报",
        title_en="US–China AI Policy Brief",
        today=TODAY,
        articles=[
            Article(path="xinhua.md", title="人工智能治理", date=TODAY, outlet="新华社"),
            Article(path="caixin.md", title="芯片出口", outlet="财新"),
        ],
        skipped=[],
        sections=[
            ThemeSection(theme=gov, points=[p1], salience=2.0, overview_en="Beijing sets out AI rules."),
            ThemeSection(theme=export, points=[p2], salience=1.5, overview_zh="出口管制扩大。"),
        ],
        executive=[p1, p2],
    )


class Recorder:
    """aiosmtpd handler: keeps every envelope; refuses RCPT for addresses starting "nobody"."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 2.0.0 queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    # handled=False: aiosmtpd then sends the 535 reply itself.
    return aiosmtpd_smtp.AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(**kwargs) -> Iterator[tuple[Recorder, int]]:
    handler = Recorder()
    port = free_port()
    controller = aiosmtpd_controller.Controller(
        handler, hostname="127.0.0.1", port=port, ready_timeout=TIMEOUT, **kwargs
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def plain_server() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def starttls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Recorder, int]]:
    with smtp_server(
        tls_context=server_tls,
        require_starttls=True,
        auth_require_tls=True,
        authenticator=authenticator,
        auth_required=True,
    ) as server:
        yield server


@pytest.fixture
def implicit_tls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Recorder, int]]:
    # aiosmtpd only knows STARTTLS as "TLS"; on an implicit-TLS port all of the session is.
    with smtp_server(
        ssl_context=server_tls, authenticator=authenticator, auth_required=True, auth_require_tls=False
    ) as server:
        yield server


def settings(port: int, **overrides) -> MailSettings:
    values = dict(
        host="127.0.0.1",
        port=port,
        security="plain",
        sender="Briefing Robot <briefing@example.org>",
        to=["Analyst <analyst@example.org>"],
        timeout=TIMEOUT,
    )
    values.update(overrides)
    return MailSettings(**values)


def received(recorder: Recorder) -> email.message.EmailMessage:
    assert len(recorder.envelopes) == 1
    return email.message_from_bytes(recorder.envelopes[0].content, policy=email.policy.default)


def attachment_of(message: email.message.EmailMessage) -> email.message.EmailMessage:
    (attachment,) = list(message.iter_attachments())
    return attachment


@contextmanager
def raw_server(serve: Callable[[socket.socket], None]) -> Iterator[int]:
    """A one-connection TCP server on loopback that runs ``serve`` on the accepted socket."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(TIMEOUT)

    def run() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(TIMEOUT)
            try:
                serve(connection)
            except OSError:
                pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(TIMEOUT)


def read_line(connection: socket.socket) -> bytes:
    line = bytearray()
    while not line.endswith(b"\r\n"):
        chunk = connection.recv(1)
        if not chunk:
            break
        line += chunk
    return bytes(line)


def scripted_smtp(connection: socket.socket, *, close_on_data: bool) -> None:
    """Greets, answers EHLO/MAIL/RCPT, then (close_on_data) hangs up in the middle of DATA."""
    connection.sendall(b"220 test.local ESMTP\r\n")
    while True:
        line = read_line(connection).upper()
        if not line:
            return
        if line.startswith(b"EHLO"):
            connection.sendall(b"250-test.local\r\n250 8BITMIME\r\n")
        elif line.startswith(b"DATA"):
            connection.sendall(b"354 go ahead\r\n")
            if close_on_data:
                connection.recv(512)  # some of the message, then hang up
                return
            while read_line(connection) not in (b".\r\n", b""):
                pass
            connection.sendall(b"250 queued\r\n")
        elif line.startswith(b"QUIT"):
            connection.sendall(b"221 bye\r\n")
            return
        else:
            connection.sendall(b"250 OK\r\n")


# --------------------------------------------------------------------------
# Delivery over real servers
# --------------------------------------------------------------------------


def test_plain_relay_delivers_with_brief_summary(plain_server, pdf):
    recorder, port = plain_server
    sent = send_pdf(pdf, settings(port, cc=["boss@example.org"]), brief=make_brief())

    envelope = recorder.envelopes[0]
    assert envelope.mail_from == "briefing@example.org"
    assert envelope.rcpt_tos == ["analyst@example.org", "boss@example.org"]
    message = received(recorder)
    assert message["Subject"] == "中美人工智能政策简报 · US–China AI Policy Brief 2024-05-22"
    assert message["Message-ID"] == sent["Message-ID"]
    assert message["Cc"] == "boss@example.org"
    assert message.get_content_type() == "multipart/mixed"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "国务院发布<b>人工智能</b>治理框架。" in plain
    assert "[word-by-word gist] State Council issue <b>AI</b> governance framework." in plain
    assert "[no English]" in plain
    assert "2 articles from 2 outlets" in plain and "2 points in 2 themes" in plain
    assert "治理 · Governance (1): Beijing sets out AI rules." in plain
    assert "出口管制 · Export controls (1): 出口管制扩大。" in plain
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;人工智能&lt;/b&gt;" in html and "<b>人工智能" not in html  # autoescaped
    assert "[word-by-word gist]" in html
    assert attachment_of(message).get_content() == pdf.read_bytes()


def test_starttls_with_auth_delivers_attachment_byte_identical(starttls_server, ca_file, chinese_pdf, monkeypatch):
    recorder, port = starttls_server
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    send_pdf(chinese_pdf, settings(port, security="starttls", username=USER, ca_file=ca_file), date=TODAY)

    attachment = attachment_of(received(recorder))
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == chinese_pdf.read_bytes()
    assert attachment.get_filename() == chinese_pdf.name  # the RFC 2231 name wins


def test_chinese_filename_has_ascii_fallback_and_rfc2231_name(chinese_pdf):
    message = compose(chinese_pdf, settings(25), date=TODAY)
    wire = message.as_bytes()
    assert wire.isascii()
    assert all(len(line) <= 78 for line in wire.split(b"\r\n"))
    part_headers = wire.split(b"Content-Disposition: ")[1].split(b"\r\n\r\n")[0].decode()
    assert 'filename="brief-2024-05-22.pdf"' in part_headers
    assert "filename*=utf-8''%E4%B8%AD%E7%BE%8E" in part_headers.replace("\r\n ", "")
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert attachment_of(parsed).get_filename() == chinese_pdf.name


def test_long_chinese_filename_uses_rfc2231_continuations(tmp_path):
    path = tmp_path / ("人工智能政策简报" * 6 + ".pdf")
    path.write_bytes(minimal_pdf())
    wire = compose(path, settings(25), date=TODAY).as_bytes()
    assert b"filename*0*=utf-8''" in wire and b"filename*1*=" in wire
    assert all(len(line) <= 78 for line in wire.split(b"\r\n"))
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert attachment_of(parsed).get_filename() == path.name


def test_implicit_tls_delivers(implicit_tls_server, ca_file, pdf):
    recorder, port = implicit_tls_server
    send_pdf(pdf, settings(port, security="tls", username=USER, password=PASSWORD, ca_file=ca_file), date=TODAY)
    assert attachment_of(received(recorder)).get_content() == pdf.read_bytes()


def test_auth_failure_is_a_clear_error(starttls_server, ca_file, pdf):
    _, port = starttls_server
    bad = settings(port, security="starttls", username=USER, password="wrong", ca_file=ca_file)
    with pytest.raises(DeliveryError, match=r"rejected the login for user 'robot'.*535") as caught:
        send_pdf(pdf, bad, date=TODAY)
    assert "wrong" not in str(caught.value)
    assert caught.value.exit_code == 1


def test_untrusted_certificate_is_a_tls_error(starttls_server, pdf):
    _, port = starttls_server
    with pytest.raises(DeliveryError, match=r"could not be verified.*ca_file"):
        send_pdf(pdf, settings(port, security="starttls", username=USER, password=PASSWORD), date=TODAY)


def test_verification_can_be_switched_off_with_a_warning(starttls_server, pdf, caplog):
    recorder, port = starttls_server
    unverified = settings(port, security="starttls", username=USER, password=PASSWORD, verify=False)
    with caplog.at_level(logging.WARNING, logger="briefing.deliver"):
        send_pdf(pdf, unverified, date=TODAY)
    assert len(recorder.envelopes) == 1
    assert any("verification is OFF" in r.getMessage() for r in caplog.records)


def test_starttls_not_offered_refuses_to_send_in_clear(plain_server, pdf):
    recorder, port = plain_server
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        send_pdf(pdf, settings(port, security="starttls"), date=TODAY)
    assert recorder.envelopes == []


def test_rejected_recipient_is_named(plain_server, pdf):
    recorder, port = plain_server
    with pytest.raises(DeliveryError, match=r"refused every recipient: nobody@example.org \(550"):
        send_pdf(pdf, settings(port, to=["nobody@example.org"]), date=TODAY)
    assert recorder.envelopes == []


def test_partly_rejected_recipients_still_fail_and_say_who_got_it(plain_server, pdf):
    recorder, port = plain_server
    with pytest.raises(DeliveryError, match=r"accepted the brief for analyst@example.org but refused nobody@"):
        send_pdf(pdf, settings(port, cc=["nobody@example.org"]), date=TODAY)
    assert recorder.envelopes[0].rcpt_tos == ["analyst@example.org"]


def test_message_over_server_size_limit(pdf):
    with smtp_server(data_size_limit=1000) as (recorder, port):
        with pytest.raises(DeliveryError, match=r"refused the message as too large \(552"):
            send_pdf(pdf, settings(port), date=TODAY)
    assert recorder.envelopes == []


def test_connection_refused_names_host_and_port(pdf):
    port = free_port()  # nothing listens there
    with pytest.raises(DeliveryError, match=rf"cannot connect to 127\.0\.0\.1:{port}: connection refused"):
        send_pdf(pdf, settings(port), date=TODAY)


def test_server_dropping_connection_mid_data(pdf):
    with raw_server(lambda c: scripted_smtp(c, close_on_data=True)) as port:
        with pytest.raises(DeliveryError, match="closed the connection while sending the message"):
            send_pdf(pdf, settings(port), date=TODAY)


def test_scripted_server_accepts_when_it_does_not_hang_up(pdf):
    # The same scripted server without the hang-up: the failure above is the drop.
    with raw_server(lambda c: scripted_smtp(c, close_on_data=False)) as port:
        send_pdf(pdf, settings(port), date=TODAY)


def test_silent_server_times_out(pdf):
    with raw_server(lambda c: c.recv(1)) as port:
        with pytest.raises(DeliveryError, match=r"did not answer within 0.5 s"):
            send_pdf(pdf, settings(port, timeout=0.5), date=TODAY)


# --------------------------------------------------------------------------
# Composing and validation (no server)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("subject", "Brief\r\nBcc: victim@example.org"),
        ("subject", "Brief\nX-Evil: 1"),
        ("sender", "briefing@example.org\r\nBcc: victim@example.org"),
        ("to", ["analyst@example.org\nBcc: victim@example.org"]),
        ("cc", ["Evil\r\nName <cc@example.org>"]),
        ("to", ["Line\u2028Separator <a@example.org>"]),
    ],
)
def test_header_injection_is_rejected(pdf, field, value):
    with pytest.raises(DeliveryError, match="line break or control character"):
        compose(pdf, settings(25, **{field: value}), date=TODAY)


@pytest.mark.parametrize(
    "field, value",
    [
        ("sender", "not-an-address"),
        ("sender", ""),
        ("to", ["a@b@c.org"]),
        ("to", ["<a@example.org> junk"]),
        ("to", []),
        ("cc", ["Li, Si <l@example.org>"]),
        ("to", ["ü@example.org"]),
    ],
)
def test_invalid_addresses_are_rejected(pdf, field, value):
    with pytest.raises(DeliveryError):
        compose(pdf, settings(25, **{field: value}), date=TODAY)


def test_valid_address_forms(pdf):
    message = compose(
        pdf,
        settings(25, to=['"Li, Si" <l@example.org>, 张三 <zs@example.org>'], cc=["x@bücher.example"]),
        date=TODAY,
    )
    assert [a.addr_spec for a in message["To"].addresses] == ["l@example.org", "zs@example.org"]
    assert message["Cc"].addresses[0].addr_spec == "x@xn--bcher-kva.example"


def test_compose_is_deterministic_apart_from_date_and_message_id(pdf):
    def stripped(message):
        del message["Date"]
        del message["Message-ID"]
        return message.as_bytes()

    first = compose(pdf, settings(25), brief=make_brief())
    second = compose(pdf, settings(25), brief=make_brief())
    assert first["Message-ID"] and first["Date"]
    assert first["Message-ID"] != second["Message-ID"]
    assert stripped(first) == stripped(second)


def test_generic_body_without_brief(pdf):
    message = compose(pdf, settings(25, subject="Brief for {date}"), date=TODAY)
    assert message["Subject"] == "Brief for 2024-05-22"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "The brief for 2024-05-22 is attached: brief-2024-05-22.pdf" in plain
    assert message.get_body(preferencelist=("html",)) is not None
    assert message.as_bytes().isascii()  # 7-bit clean: no 8BITMIME needed


def test_missing_pdf(tmp_path):
    with pytest.raises(DeliveryError, match="PDF not found") as caught:
        send_pdf(tmp_path / "nope.pdf", settings(25), date=TODAY)
    assert isinstance(caught.value, BriefingError) and caught.value.exit_code == 1


def test_not_a_pdf(tmp_path):
    path = tmp_path / "brief.html"
    path.write_text("<html></html>")
    with pytest.raises(DeliveryError, match="not a PDF"):
        compose(path, settings(25), date=TODAY)


def test_large_attachment_warns(tmp_path, caplog):
    path = tmp_path / "big.pdf"
    with path.open("wb") as handle:
        handle.write(minimal_pdf())
        handle.truncate(11 * 1024 * 1024)  # sparse: no real 11 MB written
    with caplog.at_level(logging.WARNING, logger="briefing.deliver"):
        compose(path, settings(25), date=TODAY)
    assert any(r.name == "briefing.deliver" and "11.0 MB" in r.getMessage() for r in caplog.records)


def test_small_attachment_does_not_warn(pdf, caplog):
    with caplog.at_level(logging.WARNING, logger="briefing.deliver"):
        compose(pdf, settings(25), date=TODAY)
    assert not caplog.records


# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------


def test_default_ports_follow_security():
    assert MailSettings().effective_port == 587
    assert MailSettings(security="tls").effective_port == 465
    assert MailSettings(security="plain").effective_port == 25
    assert MailSettings(security="tls", port=2465).effective_port == 2465
    assert MailSettings().subject == DEFAULT_SUBJECT


def test_password_comes_from_environment_first_and_is_never_shown():
    configured = MailSettings(username=USER, password="from-config")
    assert resolve_password(configured, {}) == "from-config"
    assert resolve_password(configured, {PASSWORD_ENV: "from-env"}) == "from-env"
    assert "from-config" not in repr(configured)


def test_username_without_password_is_an_error(pdf):
    message = compose(pdf, settings(25), date=TODAY)
    with pytest.raises(DeliveryError, match=PASSWORD_ENV):
        send(message, settings(25, username=USER))


def test_password_never_sent_in_clear_to_remote_host(pdf):
    message = compose(pdf, settings(25), date=TODAY)
    remote = settings(25, host="mail.example.org", username=USER, password=PASSWORD)
    with pytest.raises(DeliveryError, match="without encryption"):
        send(message, remote)


def test_unknown_security_is_an_error(pdf):
    message = compose(pdf, settings(25), date=TODAY)
    with pytest.raises(DeliveryError, match="security must be one of"):
        send(message, settings(25, security="ssl"))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("brief-2024-05-22.pdf", "brief-2024-05-22.pdf"),
        ("简报.pdf", "brief-2024-05-22.pdf"),
        ("Résumé brief.pdf", "Resume_brief.pdf"),
        ("weird\"name;.pdf", "weird_name.pdf"),
    ],
)
def test_ascii_filename(name, expected):
    assert ascii_filename(name, TODAY) == expected
