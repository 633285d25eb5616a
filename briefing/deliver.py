"""Delivery: mail the finished PDF brief to its readers over SMTP.

:func:`compose` builds the message (a bilingual executive summary as plain text
and HTML, the PDF attached); :func:`send` hands it to an SMTP server;
:func:`send_pdf` does both.  Every failure a cron job can meet (no PDF, server
down, bad certificate, wrong password, refused recipient, dropped connection)
becomes a :class:`DeliveryError` whose message says what to check.

Security is never downgraded: ``security="starttls"`` fails when the server
does not offer STARTTLS, certificates are verified (``ca_file`` adds a private
CA), and a password is never sent over an unencrypted connection to anything
but a loopback relay.  The password comes from ``BRIEFING_SMTP_PASSWORD`` or
the config file, never from the command line, and never appears in a repr.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import os
import re
import smtplib
import socket
import ssl
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, make_msgid
from pathlib import Path

import jinja2

from briefing import netguard, presentation
from briefing.errors import BriefingError
from briefing.models import Brief, Point
from briefing.presentation import DEFAULT_TITLE_EN, DEFAULT_TITLE_ZH, date_text, iso_span, mode_label, plural

log = logging.getLogger(__name__)

PASSWORD_ENV = "BRIEFING_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "plain": 25}
DEFAULT_SUBJECT = f"{DEFAULT_TITLE_ZH} · {DEFAULT_TITLE_EN} {{date}}"
LARGE_ATTACHMENT = 10 * 1024 * 1024  # many providers refuse mail much above this


class DeliveryError(BriefingError):
    """The brief could not be mailed; the message names what to check."""

    exit_code = 1


@dataclass(slots=True)
class MailSettings:
    """How and to whom the brief is mailed (the ``[mail]`` config section)."""

    host: str = "localhost"
    port: int | None = None  # None: 587 for starttls, 465 for tls, 25 for plain
    security: str = "starttls"  # starttls | tls | plain (plain: a trusted local relay only)
    username: str | None = None  # AUTH only when set
    # From the config file or BRIEFING_SMTP_PASSWORD (which wins); never a flag.
    password: str | None = field(default=None, repr=False)
    sender: str = ""  # "Name <addr>" or "addr"
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = DEFAULT_SUBJECT  # {date} is the brief's date, ISO form
    timeout: float = 30.0  # seconds for the whole session: connect, TLS, every command and reply
    verify: bool = True  # verify the server's TLS certificate and host name
    ca_file: str | None = None  # extra CA bundle (PEM) for a private relay

    @property
    def effective_port(self) -> int:
        return self.port if self.port else DEFAULT_PORTS.get(self.security, 587)

    @property
    def address(self) -> str:
        """host:port, for messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.effective_port}"


def resolve_password(settings: MailSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """The SMTP password: ``BRIEFING_SMTP_PASSWORD`` if set, else the config file's."""
    environ = os.environ if environ is None else environ
    return environ.get(PASSWORD_ENV) or settings.password


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _check_header_text(value: str, what: str) -> None:
    # A line break in a header value starts a new header (header injection);
    # other control characters and Unicode line separators have no business there.
    for char in value:
        if char in "\r\n" or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            raise DeliveryError(
                f"{what} {value!r} contains a line break or control character; "
                "refusing it (it could inject mail headers)"
            )


_HEADERS = HeaderRegistry()


def parse_addresses(values: str | Iterable[str], what: str) -> list[Address]:
    """Checked addresses ("a@example.org", "Name <a@example.org>"; commas allowed)."""
    if isinstance(values, str):
        values = [values]
    addresses: list[Address] = []
    for value in values:
        if not isinstance(value, str):
            raise DeliveryError(f"{what}: expected an e-mail address, got {value!r}")
        _check_header_text(value, f"{what} address")
        if not value.strip():
            continue
        try:
            header = _HEADERS("To", value)
            found = list(header.addresses)
            defects = list(header.defects)
        except (IndexError, ValueError, TypeError) as error:
            raise DeliveryError(f"{what}: {value!r} is not a valid e-mail address ({error})") from error
        if defects or not found:
            reason = f" ({defects[0]})" if defects else ""
            raise DeliveryError(
                f"{what}: {value!r} is not a valid e-mail address{reason}; "
                "write it as user@example.org or \"Name <user@example.org>\""
            )
        for address in found:
            addresses.append(_ascii_address(address, value, what))
    return addresses


def _ascii_address(address: Address, value: str, what: str) -> Address:
    if not address.username or not address.domain:
        raise DeliveryError(f"{what}: {value!r} is not a valid e-mail address (user@domain expected)")
    _check_header_text(address.display_name, f"{what} name")
    if not address.username.isascii():
        raise DeliveryError(
            f"{what}: {value!r} has a non-ASCII user name, which needs SMTPUTF8; use an ASCII address"
        )
    domain = address.domain
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise DeliveryError(f"{what}: {value!r} has an invalid domain ({error})") from error
    return Address(display_name=address.display_name, username=address.username, domain=domain)


def _check_connection(settings: MailSettings) -> None:
    if settings.security not in DEFAULT_PORTS:
        raise DeliveryError(
            f"mail security must be one of {', '.join(DEFAULT_PORTS)}, got {settings.security!r}"
        )
    if settings.port is not None and not 0 < settings.port < 65536:
        raise DeliveryError(f"mail port must be 1-65535, got {settings.port}")
    if not settings.host:
        raise DeliveryError("no SMTP host set (mail.host)")
    if not settings.timeout or settings.timeout <= 0:
        raise DeliveryError(f"mail timeout must be positive, got {settings.timeout!r}")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------
# Composing
# --------------------------------------------------------------------------


def compose(
    pdf: Path,
    settings: MailSettings,
    *,
    brief: Brief | None = None,
    date: dt.date | None = None,
) -> EmailMessage:
    """The message for ``pdf``: summary bodies (text + HTML) and the PDF attached.

    Deterministic apart from the Date and Message-ID headers: the MIME
    boundaries are derived from the content.
    """
    pdf = Path(pdf)
    data = _read_pdf(pdf)
    date = date or (brief.today if brief is not None else None) or dt.date.today()

    sender = parse_addresses(settings.sender, "sender")
    if len(sender) != 1:
        raise DeliveryError("set exactly one sender address (mail.sender), e.g. briefing@example.org")
    to = parse_addresses(settings.to, "to")
    cc = parse_addresses(settings.cc, "cc")
    if not to:
        raise DeliveryError("no recipient: give at least one address with --to or mail.to")
    _check_header_text(settings.subject, "subject")
    subject = settings.subject.replace("{date}", date.isoformat())

    filename = pdf.name
    context = _summary(brief, date=date, subject=subject, filename=filename, size=len(data))
    text = _render("mail/body.txt", context)
    html = _render("mail/body.html", context)

    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = subject
    message["From"] = sender[0]
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Date"] = format_datetime(dt.datetime.now().astimezone())
    message["Message-ID"] = make_msgid(idstring="briefing", domain=sender[0].domain)
    # A robot's mail: vacation responders and the like should not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    # base64 keeps the bodies 7-bit, so no server needs 8BITMIME.
    message.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    message.make_mixed()
    message.attach(_pdf_part(data, filename, date))
    message["Content-Language"] = "zh, en"
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # the email package adds it to subparts too

    # Boundaries from the content instead of random ones.  "=_" never occurs in
    # base64 text, so a boundary of that form cannot collide with a body.
    digest = hashlib.sha256()
    for piece in (subject, text, html, filename):
        digest.update(piece.encode("utf-8") + b"\0")
    digest.update(data)
    token = digest.hexdigest()[:32]
    message.set_boundary(f"=_briefing_mixed_{token}")
    alternative = message.get_payload()[0]
    alternative.set_boundary(f"=_briefing_alt_{token}")
    return message


def _read_pdf(pdf: Path) -> bytes:
    if not pdf.exists():
        raise DeliveryError(f"{pdf}: PDF not found; build the brief first (briefing build)")
    if not pdf.is_file():
        raise DeliveryError(f"{pdf}: not a file")
    try:
        data = pdf.read_bytes()
    except OSError as error:
        raise DeliveryError(f"{pdf}: cannot read the PDF: {error.strerror or error}") from error
    if not data.startswith(b"%PDF-"):
        raise DeliveryError(f"{pdf}: not a PDF file (it does not start with %PDF-)")
    if len(data) > LARGE_ATTACHMENT:
        log.warning(
            "%s is %s; many mail servers refuse messages this large "
            "(and base64 adds a third on the wire)",
            pdf,
            _human_size(len(data)),
        )
    return data


def ascii_filename(name: str, date: dt.date) -> str:
    """An ASCII-only stand-in for ``name`` (for mail clients that ignore RFC 2231)."""
    path = Path(name)
    suffix = path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", path.suffix) else ".pdf"
    decomposed = unicodedata.normalize("NFKD", path.stem)
    # Accents fall away harmlessly ("Résumé" → "Resume"); dropped Chinese would
    # leave a meaningless name, so that gets a descriptive one instead.
    lost = any(not c.isascii() and not unicodedata.combining(c) for c in decomposed)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", decomposed.encode("ascii", "ignore").decode("ascii"))
    stem = stem.strip("._-")[:60]
    if lost or not stem:
        stem = f"brief-{date.isoformat()}"
    return f"{stem}{suffix}"


class _RawHeader(str):
    """A header written exactly as given.

    The email package's own folding collapses ``filename`` and ``filename*``
    into one parameter; this keeps both.  Any value with a ``name`` attribute
    and a ``fold`` method is a header object to ``email.policy`` (documented).
    """

    name: str
    _lines: tuple[str, ...]

    def __new__(cls, name: str, lines: Sequence[str]) -> _RawHeader:
        header = super().__new__(cls, " ".join(lines))
        header.name = name
        header._lines = tuple(lines)
        return header

    def fold(self, *, policy: policy.Policy) -> str:
        linesep = policy.linesep
        return f"{self.name}: " + f"{linesep} ".join(self._lines) + linesep


def _content_disposition(filename: str, date: dt.date) -> _RawHeader:
    fallback = ascii_filename(filename, date)
    params: list[str] = []
    if filename != fallback:
        # RFC 2231: the real name, UTF-8 and percent-encoded, in numbered
        # continuations when long, so no line exceeds 78 characters.  It comes
        # before the ASCII fallback: RFC 2231-aware readers use it wherever it
        # is, and some (Python's email package) take the first filename given.
        encoded = urllib.parse.quote(filename, safe="")
        chunks = _split_percent_encoded(filename, 54)
        if len(chunks) == 1:
            params.append(f"filename*=utf-8''{encoded}")
        else:
            for index, chunk in enumerate(chunks):
                params.append(f"filename*{index}*={'utf-8' + chr(39) * 2 if index == 0 else ''}{chunk}")
    params.append(f'filename="{fallback}"')
    return _RawHeader("Content-Disposition", ["attachment;", *(p + ";" for p in params[:-1]), params[-1]])


def _split_percent_encoded(name: str, width: int) -> list[str]:
    """``name`` percent-encoded (UTF-8) in chunks of at most ``width``, whole characters each."""
    chunks = [""]
    for char in name:
        encoded = urllib.parse.quote(char, safe="")
        if chunks[-1] and len(chunks[-1]) + len(encoded) > width:
            chunks.append("")
        chunks[-1] += encoded
    return chunks


def _pdf_part(data: bytes, filename: str, date: dt.date) -> MIMEPart:
    part = MIMEPart(policy=policy.SMTP)
    part.set_content(data, "application", "pdf", cte="base64")
    part["Content-Disposition"] = _content_disposition(filename, date)
    return part


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} kB"


@dataclass(frozen=True, slots=True)
class _SummaryPoint:
    zh: str
    en: str
    label: str  # what the English is: "word-by-word gist", "no English", ...
    cite: str  # outlet and date


@dataclass(frozen=True, slots=True)
class _SummaryTheme:
    label_zh: str
    label_en: str
    points: int
    overview: str


def _summary(brief: Brief | None, *, date: dt.date, subject: str, filename: str, size: int) -> dict:
    """What the mail templates see: plain values, computed here once."""
    context: dict = {
        "subject": subject,
        "date": date.isoformat(),
        "filename": filename,
        "size": _human_size(size),
        "brief": None,
    }
    if brief is None:
        context["title_zh"], context["title_en"] = DEFAULT_TITLE_ZH, DEFAULT_TITLE_EN
        return context
    span = brief.date_span
    context.update(
        title_zh=brief.title_zh,
        title_en=brief.title_en,
        brief={
            "span": iso_span(*span, collapse=True) if span else None,
            "counts_en": " · ".join(
                part
                for part in (
                    f"{plural(len(brief.articles), 'article')} from {plural(len(brief.outlets), 'outlet')}",
                    f"{plural(len(brief.points), 'point')} in {plural(len(brief.sections), 'theme')}",
                    f"{plural(len(brief.skipped), 'file')} skipped" if brief.skipped else "",
                )
                if part
            ),
            "counts_zh": (
                f"{len(brief.articles)} 篇文章 · {len(brief.outlets)} 家媒体 · "
                f"{len(brief.sections)} 个主题 · {len(brief.points)} 条要点"
            ),
            "executive": [_summary_point(p) for p in brief.executive],
            "themes_list": [
                _SummaryTheme(
                    label_zh=s.theme.label_zh,
                    label_en=s.theme.label_en,
                    points=len(s.points),
                    overview=" ".join((s.overview_en or s.overview_zh).split()),
                )
                for s in brief.sections
            ],
            "notes": [" ".join(str(note).split()) for note in brief.notes],
        },
    )
    return context


def _summary_point(point: Point) -> _SummaryPoint:
    english = point.english
    mode = english.mode if english is not None else "none"
    source = point.sentence.source
    when = date_text(source, unknown="")
    cite = ", ".join(part for part in (source.outlet or source.title, when) if part)
    return _SummaryPoint(
        zh=" ".join(point.sentence.text.split()),
        en=" ".join(english.text.split()) if english is not None else "",
        label=mode_label(mode),
        cite=cite,
    )


def _render(name: str, context: Mapping[str, object]) -> str:
    try:
        environment = presentation.environment(presentation.templates_dir(), trim_blocks=True)
        return environment.get_template(name).render(**context)
    except jinja2.TemplateError as error:
        raise DeliveryError(f"mail template {name}: {error}") from error


# --------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as error:
        raise DeliveryError(f"mail.ca_file {settings.ca_file}: cannot load CA bundle: {error}") from error
    if not settings.verify:
        log.warning("TLS certificate verification is OFF for %s (mail.verify = false)", settings.address)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def send(message: EmailMessage, settings: MailSettings) -> None:
    """Hand ``message`` to the SMTP server in ``settings``; raise DeliveryError on any failure."""
    _check_connection(settings)
    password = _password(settings)
    context = _tls_context(settings) if settings.security != "plain" else None
    # What the session was doing when it failed, for the message (smtplib's errors do not say).
    stage = ["connecting"]
    try:
        refused = _session(message, settings, password, context, stage)
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise _failure(error, settings, stage[0]) from error
    if refused:
        delivered = [a for a in _recipients(message) if a not in refused]
        raise DeliveryError(
            f"{settings.address} accepted the brief for {', '.join(delivered) or 'nobody'} "
            f"but refused {_refusals(refused)}"
        )
    log.info(
        "mailed %s to %d recipient(s) via %s", message["Subject"], len(_recipients(message)), settings.address
    )


def _password(settings: MailSettings) -> str | None:
    """The password to log in with (None: no login); never sent unencrypted except to a loopback relay."""
    if not settings.username:
        return None
    password = resolve_password(settings)
    if not password:
        raise DeliveryError(
            f"SMTP user {settings.username!r} is set but no password: "
            f"set {PASSWORD_ENV} or mail.password in the config file"
        )
    if settings.security == "plain" and not _is_loopback(settings.host):
        raise DeliveryError(
            f"refusing to send the SMTP password to {settings.address} without encryption; "
            "use security = \"starttls\" or \"tls\""
        )
    return password


def _session(
    message: EmailMessage,
    settings: MailSettings,
    password: str | None,
    context: ssl.SSLContext | None,
    stage: list[str],
) -> dict[str, tuple[int, bytes]]:
    """One SMTP session: connect, greet, STARTTLS, log in, send; the refused recipients.

    ``stage[0]`` follows the session, so a failure can say where it happened.
    """
    # One deadline for the whole session (a greeting dripped a byte a second never trips a per-read timeout).
    client = netguard.smtp_client(
        settings.host, settings.effective_port, seconds=settings.timeout, implicit_tls=settings.security == "tls", context=context
    )
    with client:
        stage[0] = "greeting"
        client.ehlo()
        if settings.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(
                    f"{settings.address} does not offer STARTTLS; refusing to send without encryption. "
                    "Use security = \"tls\" for an implicit-TLS port (465), or \"plain\" "
                    "only for a trusted local relay"
                )
            stage[0] = "STARTTLS"
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            stage[0] = "login"
            client.login(settings.username, password or "")
        stage[0] = "sending the message"
        return client.send_message(message)


def _failure(error: Exception, settings: MailSettings, stage: str) -> DeliveryError:
    """What went wrong, and what to check, for an error of the SMTP session (most specific first)."""
    where = settings.address
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryError(
            f"{where} rejected the login for user {settings.username!r} ({_reply(error)}); "
            f"check mail.username and {PASSWORD_ENV}"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return DeliveryError(f"{where} does not support {stage} here: {error}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return DeliveryError(f"{where} refused every recipient: {_refusals(error.recipients)}")
    if isinstance(error, smtplib.SMTPSenderRefused):
        if error.smtp_code == 552:  # RFC 1870: the declared SIZE is over the server's limit
            return DeliveryError(
                f"{where} refused the message as too large ({_reply(error)}); "
                "the attached PDF must shrink or go by another route"
            )
        return DeliveryError(f"{where} refused the sender {error.sender!r} ({_reply(error)}); check mail.sender")
    if isinstance(error, smtplib.SMTPDataError):
        return DeliveryError(f"{where} rejected the message ({_reply(error)})")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):  # smtplib reports a timeout as a hang-up
            return DeliveryError(_timeout_message(settings, stage))
        return DeliveryError(f"{where} closed the connection while {stage}; the brief was not sent ({error})")
    if isinstance(error, smtplib.SMTPConnectError):
        return DeliveryError(f"{where} refused the session ({_reply(error)})")
    if isinstance(error, smtplib.SMTPResponseException):
        return DeliveryError(f"{where} answered {_reply(error)} while {stage}")
    if isinstance(error, smtplib.SMTPException):
        return DeliveryError(f"mail to {where} failed while {stage}: {error}")
    if isinstance(error, ssl.SSLCertVerificationError):
        return DeliveryError(
            f"TLS certificate of {where} could not be verified ({error.verify_message}); "
            "if the relay uses a private CA, set mail.ca_file to its certificate"
        )
    if isinstance(error, ssl.SSLError):
        return DeliveryError(
            f"TLS with {where} failed ({error.reason or error}); check mail.security "
            "(\"tls\" is implicit TLS, usually port 465; \"starttls\" usually port 587)"
        )
    if isinstance(error, ConnectionRefusedError):
        return DeliveryError(
            f"cannot connect to {where}: connection refused; is the SMTP server running and "
            f"is the port right? (security = {settings.security!r})"
        )
    if isinstance(error, TimeoutError):
        return DeliveryError(_timeout_message(settings, stage))
    if isinstance(error, socket.gaierror):
        return DeliveryError(f"cannot resolve mail host {settings.host!r}: {error.strerror}")
    assert isinstance(error, OSError)
    return DeliveryError(f"mail to {where} failed while {stage}: {error.strerror or error}")


def _timeout_message(settings: MailSettings, stage: str) -> str:
    return (
        f"{settings.address} did not answer within {settings.timeout:g} s while {stage}; "
        "check mail.host, mail.port, mail.security and any firewall"
    )


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {' '.join(text.split())}"


def _refusals(recipients: Mapping[str, tuple[int, bytes | str]]) -> str:
    parts = []
    for address, (code, reply) in recipients.items():
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        parts.append(f"{address} ({code} {' '.join(text.split())})")
    return "; ".join(parts)


def _recipients(message: EmailMessage) -> list[str]:
    found: list[str] = []
    for name in ("To", "Cc"):
        header = message[name]
        if header is not None:
            found.extend(a.addr_spec for a in header.addresses)
    return found


def send_pdf(
    pdf: Path,
    settings: MailSettings,
    *,
    brief: Brief | None = None,
    date: dt.date | None = None,
) -> EmailMessage:
    """Compose the message for ``pdf`` and send it; returns what was sent."""
    message = compose(pdf, settings, brief=brief, date=date)
    send(message, settings)
    return message
