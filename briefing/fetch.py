"""Fetch: RSS/Atom feeds and article pages in, Markdown article files out.

``briefing fetch URL... --into DIR`` fills the folder that ``briefing build``
reads.  Each URL is downloaded with hard bounds (http and https only, public
addresses only, a few redirects, one deadline for the whole request, a size
cap: see briefing.netguard); a feed is parsed from the downloaded bytes and
each of its entries' pages is fetched in turn; a page's main content is extracted with
trafilatura.  Every item becomes ``DIR/<yyyy-mm-dd|nodate>-<sha1(url)[:12]>.md``:
YAML front matter (title, date, author, outlet, url) and the body paragraphs.

The file name depends only on the URL, so a second run skips what the first
saved, and the same feed content always gives the same files.  A URL that
fails is recorded with a one-line reason and the run goes on.
"""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import email.utils
import hashlib
import html.parser
import http.client
import io
import logging
import re
import socket
import ssl
import string
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit, urlunsplit

import yaml

from briefing import netguard
from briefing.errors import BriefingError
from briefing.fsutil import write_atomic

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
INDEX_NAME = ".fetched.tsv"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_SNIFF_BYTES = 2048
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
)
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The root element of a feed, after the XML declaration, comments and DOCTYPE.
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)[\s>/]")
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


class FetchError(BriefingError):
    """One URL could not be fetched or used; ``reason`` is the one-line explanation."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchSettings:
    """Bounds on every download (the ``[fetch]`` config section)."""

    # Seconds for a whole request: resolving, connecting, TLS, headers, body, every redirect.
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    user_agent: str = "briefing/0.1 (+policy brief)"
    max_items: int = 50
    max_redirects: int = 5
    # Hosts that may be non-public (loopback, private, link-local): names, IPs or
    # networks ("intranet.example", "127.0.0.1", "10.0.0.0/8").  Empty: public addresses only.
    allow_hosts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FetchReport:
    saved: list[Path] = field(default_factory=list)
    skipped_existing: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Items saved with the feed's own summary because the page failed or had
    # no extractable text: (article url, why).
    fallbacks: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str  # lower-case media type, no parameters
    charset: str | None
    body: bytes


@dataclass(slots=True)
class Item:
    url: str
    title: str | None
    date: dt.date | None
    author: str | None
    outlet: str | None
    paragraphs: list[str]
    note: str | None = None


# --- the public entry point ------------------------------------------------------


def fetch(urls: Sequence[str], into: Path, *, settings: FetchSettings = FetchSettings()) -> FetchReport:
    """Fetch every URL (feed or article page) into the folder ``into``.

    Raises FetchError only when ``into`` cannot be used; a URL that fails is
    listed in ``FetchReport.failed`` and the others go on.
    """
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise FetchError(str(into), "not a directory")
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(str(into), f"cannot create folder: {exc.strerror or exc}") from None
    report = FetchReport()
    index = _read_index(into)
    fetcher = _Fetcher(settings)
    for raw_url in urls:
        url = _normalise_url(raw_url)
        try:
            _check_scheme(url)
            existing = _existing_file(into, url)
            if existing is not None:
                report.skipped_existing.append(url)
                continue
            response = fetcher.get(url)
            if _is_feed(response):
                _fetch_feed(response, into, fetcher, settings, report, index)
            elif _is_html(response):
                _save(_article_from_page(response, requested_url=url), into, report, index)
            else:
                raise FetchError(url, f"not an HTML page or a feed (content type {response.content_type or 'unknown'})")
        except FetchError as exc:
            log.warning("fetch failed: %s", exc)
            report.failed.append((url, exc.reason))
        except Exception as exc:  # noqa: BLE001 - one bad URL must not stop the run
            log.exception("unexpected error fetching %s", url)
            report.failed.append((url, f"unexpected error: {type(exc).__name__}: {exc}"))
    _write_index(into, index)
    return report


# --- feeds ---------------------------------------------------------------------------


def _fetch_feed(
    response: Response,
    into: Path,
    fetcher: _Fetcher,
    settings: FetchSettings,
    report: FetchReport,
    index: dict[str, str],
) -> None:
    parsed = parse_feed(response.body, url=response.url, content_type=response.content_type, charset=response.charset)
    outlet = clean_text(parsed.feed.get("title")) or None
    for entry in parsed.entries[: settings.max_items]:
        link = entry_link(entry)
        if link is None:
            report.failed.append((response.url, f"feed entry without an http(s) link: {clean_text(entry.get('title'))[:60]!r}"))
            continue
        if _existing_file(into, link) is not None:
            report.skipped_existing.append(link)
            continue
        try:
            item = _item_for_entry(entry, link, outlet, fetcher, report)
        except FetchError as exc:
            report.failed.append((link, exc.reason))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad entry must not stop the feed
            log.exception("unexpected error fetching %s", link)
            report.failed.append((link, f"unexpected error: {type(exc).__name__}: {exc}"))
            continue
        _save(item, into, report, index)


def parse_feed(data: bytes, *, url: str, content_type: str = "", charset: str | None = None):  # -> FeedParserDict
    """Parse feed bytes with feedparser, refusing entity declarations.

    feedparser is never handed a URL or a file name (it would fetch or open
    it): only bytes.  Those bytes are the feed transcoded to UTF-8 here
    first, and the checks run on them, so that the checks and the parser
    read the same document whatever encoding it declares.  (Checked as sent,
    a feed declaring gb2312 stopped expat at its encoding and went on to
    feedparser, which transcodes and then expands internal entities: 475
    bytes became a 6 MB summary.)  Two checks, because two kinds of parser
    read a feed: any ``<!ENTITY`` before the root element, as a lenient
    parser would see it (:func:`declares_entities`), and any entity
    declaration expat sees (:func:`_refuse_entities`).
    """
    import feedparser

    text = feed_text(data, charset)
    if declares_entities(text):
        raise FetchError(url, "refused feed: it declares XML entities (<!ENTITY before the root element)")
    document = _XML_ENCODING.sub(lambda m: f"{m[1]}{m[2]}utf-8{m[2]}", text, count=1).encode("utf-8")
    _refuse_entities(document, url)
    headers = {"content-location": url, "content-type": f"{content_type or 'application/xml'}; charset=utf-8"}
    parsed = feedparser.parse(io.BytesIO(document), response_headers=headers, sanitize_html=True)
    if not parsed.entries and parsed.get("bozo"):
        raise FetchError(url, f"bad feed XML: {parsed.get('bozo_exception')}")
    if not parsed.version and not parsed.entries:
        raise FetchError(url, "not a feed (no RSS or Atom content)")
    return parsed


# The encoding in an XML declaration, and the byte patterns of BOM-less UTF-16/32 (XML 1.0, appendix F).
_XML_ENCODING = re.compile(r"""\A(\s*<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])([^"']*)\2""")
_UNICODE_SIGNATURES = (
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
# Chinese feeds that declare gb2312 or gbk use characters only their superset has (as browsers assume).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}


def feed_text(data: bytes, charset: str | None = None) -> str:
    """The feed's bytes as text, in the first encoding that decodes them cleanly.

    A byte order mark (or the UTF-16/32 pattern of ``<?``) settles it;
    otherwise UTF-8 is tried strictly first (a mislabelled UTF-8 feed is the
    common case, and other encodings almost never decode as UTF-8), then the
    XML declaration's encoding, the HTTP charset, Windows-1252, and Latin-1,
    which takes any bytes.  The declaration before the HTTP charset: the
    feed's generator wrote the one, while the other is often a server's
    blanket default (``charset=ISO-8859-1`` on a gb2312 feed turned its
    titles into Latin-1 mojibake).
    """
    candidates = [name for signature, name in _UNICODE_SIGNATURES if data.startswith(signature)][:1]
    declared = _XML_ENCODING.match(data[:1024].decode("latin-1"))
    candidates += ["utf-8", declared[3] if declared else None, charset, "windows-1252"]
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        try:
            return data.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
# Inside a declaration (the DOCTYPE): comments and quoted strings are skipped, brackets counted.
_DECLARATION_TOKEN = re.compile(r"""<!--.*?(?:-->|\Z)|"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[\[\]>]""", re.DOTALL)
_ASCII_NAME_START = frozenset(string.ascii_letters + "_:")
_FIRST_TAG = re.compile(r"<\w", re.ASCII)  # as feedparser finds it, in bytes


def declares_entities(text: str) -> bool:
    """Whether ``<!ENTITY`` appears before the root element.

    Entities can only be declared there, so an article that quotes
    ``<!ENTITY`` inside the feed (a security feed's CDATA) is not refused.
    "Before the root" is the longer of two readings: an XML prolog scanner's
    (declarations, comments, processing instructions) and feedparser's
    (everything before the first ``<`` and a word character), so neither kind
    of parser can find a declaration this check did not look at.
    """
    first_tag = _FIRST_TAG.search(text)
    lenient_end = first_tag.start() if first_tag else len(text)
    prolog_end = max(_prolog_end(text), lenient_end)
    return bool(_ENTITY_DECLARATION.search(text, 0, prolog_end))


def _prolog_end(text: str) -> int:
    """Where the root element starts, skipping the XML prolog; len(text) if it never does."""
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0 or start + 1 >= len(text):
            return len(text)
        if text.startswith("<?", start):
            end = text.find("?>", start + 2)
            position = end + 2 if end >= 0 else len(text)
        elif text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            position = end + 3 if end >= 0 else len(text)
        elif text.startswith("<!", start):
            position = _declaration_end(text, start)
        elif text[start + 1] in _ASCII_NAME_START:  # ASCII only: the later end is the safer one
            return start
        else:
            position = start + 1


def _declaration_end(text: str, start: int) -> int:
    """Just past the ``>`` that closes the declaration at ``start`` (past its [internal subset])."""
    depth = 0
    for token in _DECLARATION_TOKEN.finditer(text, start + 2):
        mark = token[0]
        if mark == "[":
            depth += 1
        elif mark == "]":
            depth = max(0, depth - 1)
        elif mark == ">" and depth == 0:
            return token.end()
    return len(text)


def _refuse_entities(data: bytes, url: str) -> None:
    import xml.sax

    from defusedxml import DefusedXmlException
    from defusedxml import expatreader

    # Any entity declaration is refused (bombs, SYSTEM entities).  A DOCTYPE
    # that only names an external DTD (RSS 0.91) is allowed: with external
    # entities off, expat never loads it.
    parser = expatreader.create_parser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(xml.sax.ContentHandler())
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except DefusedXmlException as exc:
        raise FetchError(url, f"refused feed: it declares XML entities ({type(exc).__name__})") from None
    except (xml.sax.SAXException, ValueError):
        pass  # malformed XML: feedparser's lenient parser deals with it


def entry_link(entry) -> str | None:
    candidates = [entry.get("link")]
    candidates += [link.get("href") for link in entry.get("links", []) if link.get("rel", "alternate") == "alternate"]
    if entry.get("guidislink") or entry.get("id", "").startswith(("http://", "https://")):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        if candidate and urlsplit(candidate.strip()).scheme.lower() in ALLOWED_SCHEMES:
            return _normalise_url(candidate)
    return None


def _item_for_entry(entry, link: str, outlet: str | None, fetcher: _Fetcher, report: FetchReport) -> Item:
    title = clean_text(entry.get("title")) or None
    date = entry_date(entry)
    author = clean_text(entry.get("author")) or None
    try:
        page = fetcher.get(link)
        if not _is_html(page):
            raise FetchError(link, f"not an HTML page (content type {page.content_type or 'unknown'})")
        item = _article_from_page(page, requested_url=link)
    except FetchError as exc:
        why = f"page failed: {exc.reason}"
    else:
        # The feed's metadata is the publisher's own; the page's is a guess.
        item.paragraphs = _without_title(item.paragraphs, title)
        item.title = title or item.title
        item.date = date or item.date
        item.author = author or item.author
        item.outlet = outlet or item.outlet
        return item
    paragraphs = feed_body(entry)
    if not paragraphs:
        raise FetchError(link, f"{why}; the feed has no summary to fall back on")
    report.fallbacks.append((link, why))
    log.info("%s: %s; using the feed's summary", link, why)
    return Item(url=link, title=title, date=date, author=author, outlet=outlet, paragraphs=paragraphs,
                note=f"body from the feed's summary ({why})")


def entry_date(entry) -> dt.date | None:
    """The entry's date as the publisher wrote it (local date, not UTC)."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            local = _parse_local_date(str(raw))
            if local is not None:
                return local
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _parse_local_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    try:
        return email.utils.parsedate_to_datetime(raw).date()  # RSS: RFC 822
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()  # Atom: RFC 3339
    except ValueError:
        return None


def feed_body(entry) -> list[str]:
    """Paragraphs of the entry's longest content or summary (HTML or text)."""
    values = [c.get("value", "") for c in entry.get("content", [])] + [entry.get("summary", "")]
    best = max(values, key=len, default="")
    return html_paragraphs(best)


# --- article pages ------------------------------------------------------------------


def _article_from_page(page: Response, *, requested_url: str) -> Item:
    import trafilatura

    html_text: str | bytes = page.body
    if page.charset:
        try:
            html_text = page.body.decode(page.charset, errors="replace")
        except LookupError:
            pass  # unknown charset name: let trafilatura detect the encoding
    document = trafilatura.bare_extraction(
        html_text,
        url=page.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        output_format="python",
    )
    if not document:
        raise FetchError(requested_url, "no article text found on the page")
    if not isinstance(document, dict):  # trafilatura 2 returns a Document
        document = document.as_dict()
    paragraphs = [line.strip() for line in (document.get("text") or "").splitlines() if line.strip()]
    if not paragraphs:
        raise FetchError(requested_url, "no article text found on the page")
    date = None
    if document.get("date"):
        try:
            date = dt.date.fromisoformat(str(document["date"])[:10])
        except ValueError:
            date = None
    title = clean_text(document.get("title")) or None
    return Item(
        url=requested_url,
        title=title,
        date=date,
        author=clean_text(document.get("author")) or None,
        outlet=clean_text(document.get("sitename")) or None,
        paragraphs=_without_title(paragraphs, title),
    )


def _without_title(paragraphs: list[str], *titles: str | None) -> list[str]:
    """Drop the page's heading when it opens the body: the title is in the front matter."""
    keys = {_title_key(t) for t in titles if t}
    keys.discard("")
    kept = list(paragraphs)
    while kept and len(kept) > 1 and len(paragraphs) - len(kept) < 2 and _title_key(kept[0]) in keys:
        kept.pop(0)
    return kept


def _title_key(text: str) -> str:
    # Letters and digits only: a heading and the feed's title differ in quote marks and spaces.
    return re.sub(r"[\W_]+", "", text).casefold()


# --- downloading -----------------------------------------------------------------------


class _Fetcher:
    """Bounded GETs with http.client, over sockets from briefing.netguard.

    http.client rather than urllib's opener or httpx: it speaks HTTP and
    nothing else (no file:, ftp: or data: handler exists to be reached), and
    it lets the connection be made here -- to the addresses that were
    resolved and checked, with one deadline for the whole request.
    Redirects are followed here, one checked hop at a time.

    A proxy from the environment (``http_proxy``, ``https_proxy``, ``no_proxy``)
    is used as urllib would; the proxy itself is the user's choice and is
    not checked, but the target host is, as far as it can be from here (the
    proxy resolves names again, so rebinding cannot be ruled out behind it).
    """

    def __init__(self, settings: FetchSettings):
        self.settings = settings
        self.policy = netguard.AddressPolicy.allowing(settings.allow_hosts)
        self.proxies = urllib.request.getproxies()
        self._tls: ssl.SSLContext | None = None

    def get(self, url: str) -> Response:
        deadline = netguard.Deadline(self.settings.timeout)
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            _check_scheme(current, original=url)
            try:
                connection, response = self._open(current, deadline)
                try:
                    status = response.status
                    if status in _REDIRECT_STATUSES:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(url, f"HTTP {status} redirect without a Location")
                        current = urljoin(current, location.strip())
                        continue
                    if not 200 <= status < 300:
                        raise FetchError(url, f"HTTP {status} {response.reason}".rstrip())
                    body = self._read_bounded(response, url, deadline)
                    content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
                    charset = response.headers.get_content_charset()
                    return Response(current, status, content_type, charset, body)
                finally:
                    connection.close()
            except FetchError:
                raise
            except netguard.AddressRefused as exc:
                where = "" if current == url else f" redirect to {current[:200]}"
                raise FetchError(
                    url,
                    f"refused{where}: {exc}; fetch reaches only public addresses "
                    "unless [fetch] allow_hosts names the host",
                ) from None
            except TimeoutError:
                raise FetchError(url, self._timed_out()) from None
            except (OSError, ValueError, http.client.HTTPException) as exc:
                raise FetchError(url, _network_reason(exc)) from None
            except Exception as exc:  # noqa: BLE001 - anything else a hostile server provokes
                raise FetchError(url, f"download failed: {type(exc).__name__}: {exc}") from None
        raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects})")

    def _timed_out(self) -> str:
        return f"timed out after {self.settings.timeout:g} s (the limit for the whole request, redirects included)"

    def _open(self, url: str, deadline: netguard.Deadline) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Connect (directly to checked addresses, or through the proxy), send the GET, read the headers."""
        parts = urlsplit(_ascii_url(url))
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        headers = {
            "User-Agent": self.settings.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.9, */*;q=0.1",
            "Accept-Encoding": "identity",
            "Connection": "close",
        }
        proxy = self._proxy_for(parts.scheme, host)
        if proxy is None:
            addresses = netguard.resolve(host, port, deadline)
            self.policy.check(host, addresses)
            connect_to, connect_port = host, port
            open_socket = lambda: netguard.open_connection(addresses, deadline)  # noqa: E731
        else:
            self._check_behind_proxy(host, port, deadline)
            connect_to, connect_port, proxy_headers = proxy
            open_socket = lambda: netguard.connect(connect_to, connect_port, deadline)  # noqa: E731
        if parts.scheme == "https":
            context = self._tls_context()
            context.sslsocket_class = deadline.ssl_socket_class  # this request's deadline (one request at a time)
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(connect_to, connect_port, context=context)
            if proxy is not None:
                connection.set_tunnel(host, port, headers=proxy_headers)
        else:
            connection = http.client.HTTPConnection(connect_to, connect_port)
            if proxy is not None:
                target = urlunsplit((parts.scheme, parts.netloc, target, "", ""))  # absolute form for the proxy
                headers.update(proxy_headers)
        # http.client's own hook for making the socket: ours connects to the checked addresses.
        connection._create_connection = lambda *_args, **_kwargs: open_socket()  # type: ignore[method-assign]
        try:
            connection.request("GET", target, headers=headers)
            return connection, connection.getresponse()
        except BaseException:
            connection.close()
            raise

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:  # loading the CA store takes a few ms: once per run
            self._tls = ssl.create_default_context()
        return self._tls

    def _proxy_for(self, scheme: str, host: str) -> tuple[str, int, dict[str, str]] | None:
        proxy_url = self.proxies.get(scheme)
        if not proxy_url or urllib.request.proxy_bypass(host):
            return None
        if "://" not in proxy_url:
            proxy_url = "http://" + proxy_url
        proxy = urlsplit(proxy_url)
        if proxy.scheme != "http" or not proxy.hostname:
            # Not the proxy URL itself in the message: it may hold a password.
            raise FetchError(f"{scheme}_proxy", f"unsupported {scheme}_proxy: only http:// proxies are supported")
        headers = {}
        if proxy.username is not None:
            credentials = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
            headers["Proxy-Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
        return proxy.hostname, proxy.port or 80, headers

    def _check_behind_proxy(self, host: str, port: int, deadline: netguard.Deadline) -> None:
        """Refuse a target that is, or resolves here to, a non-public address.

        A name that does not resolve here is left to the proxy: behind many
        proxies only the proxy can resolve outside names.
        """
        self.policy.check_literal(host)
        try:
            addresses = netguard.resolve(host, port, deadline)
        except socket.gaierror:
            return
        self.policy.check(host, addresses)

    def _read_bounded(self, response: http.client.HTTPResponse, url: str, deadline: netguard.Deadline) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > limit:
            raise FetchError(url, f"too large: {int(declared):,} bytes declared, limit {limit:,}")
        chunks: list[bytes] = []
        total = 0
        while True:
            deadline.remaining()  # each read is bounded by the socket; this ends a stream of fast ones
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise FetchError(url, f"too large: over the {limit:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)


def _ascii_url(url: str) -> str:
    """Percent-encode what http.client refuses (Chinese paths, spaces); keep existing escapes."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.isascii():
        netloc = host.encode("idna").decode("ascii") + (f":{parts.port}" if parts.port else "")
    else:
        netloc = parts.netloc
    return urlunsplit(
        (parts.scheme, netloc, quote(parts.path, safe="/%:@!$&'()*+,;=~"), quote(parts.query, safe="=&%:/?@!$'()*+,;~"), "")
    )


def _network_reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host: {exc.strerror or exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.HTTPException):
        return f"bad HTTP response: {type(exc).__name__}: {exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"network error: {exc.strerror}"
    return f"network error: {exc}"


def _check_scheme(url: str, *, original: str | None = None) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        if original is not None and original != url:
            raise FetchError(original, f"refused redirect to a non-http(s) URL: {url[:200]}")
        raise FetchError(url, f"refused: only http and https URLs are fetched, not {scheme or 'a bare path'}")
    if not urlsplit(url).hostname:
        raise FetchError(original or url, f"no host in URL: {url[:200]}")


def _is_feed(response: Response) -> bool:
    head = response.body[:_SNIFF_BYTES].lstrip()
    if response.content_type in _FEED_TYPES:
        return True
    if response.content_type in _HTML_TYPES:
        return False
    return bool(_FEED_ROOT.search(head)) and not _HTML_ROOT.search(head[:200])


def _is_html(response: Response) -> bool:
    if response.content_type in _HTML_TYPES:
        return True
    if response.content_type in _XML_TYPES or response.content_type in _FEED_TYPES:
        return False
    if response.content_type and response.content_type != "text/plain" and not response.content_type.startswith(
        "application/octet-stream"
    ):
        return False
    return bool(_HTML_ROOT.search(response.body[:_SNIFF_BYTES]))


# --- saving ------------------------------------------------------------------------------


def url_hash(url: str) -> str:
    """The 12-hex-digit key of a URL: the only part of a file name it decides."""
    return hashlib.sha1(_normalise_url(url).encode("utf-8")).hexdigest()[:12]


def file_name(url: str, date: dt.date | None) -> str:
    return f"{date.isoformat() if date else 'nodate'}-{url_hash(url)}.md"


def _normalise_url(url: str) -> str:
    """Without the #fragment, and with inner whitespace escaped (front matter
    readers take a URL as one word); other characters stay as written."""
    return re.sub(r"\s", lambda m: quote(m.group(0)), urldefrag(url.strip())[0])


def _existing_file(into: Path, url: str) -> Path | None:
    matches = sorted(into.glob(f"*-{url_hash(url)}.md"))
    return matches[0] if matches else None


def _save(item: Item, into: Path, report: FetchReport, index: dict[str, str]) -> None:
    if _existing_file(into, item.url) is not None:  # a duplicate link within this run
        report.skipped_existing.append(item.url)
        return
    path = into / file_name(item.url, item.date)
    write_atomic(path, render_markdown(item).encode("utf-8"))
    index[item.url] = path.name
    report.saved.append(path)
    log.info("saved %s → %s", item.url, path.name)


def render_markdown(item: Item) -> str:
    """Front matter (yaml.safe_dump, so quotes and colons are safe) + paragraphs."""
    meta: dict[str, object] = {
        "title": item.title or "",
        "date": item.date,
        "author": item.author,
        "outlet": item.outlet,
        "url": item.url,
    }
    if item.note:
        meta["note"] = item.note
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    body = "\n\n".join(_escape_markdown(p) for p in item.paragraphs)
    return f"---\n{header}---\n\n{body}\n"


_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(#|[-+=]|\d+[.)])")


def _escape_markdown(paragraph: str) -> str:
    """Plain text → Markdown that reads back as the same text (no headings,
    lists, links or HTML made by accident)."""
    text = " ".join(paragraph.split()) if "\n" in paragraph else paragraph.strip()
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text, count=1)


def _read_index(into: Path) -> dict[str, str]:
    index: dict[str, str] = {}
    try:
        lines = (into / INDEX_NAME).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return index
    for line in lines:
        url, sep, name = line.partition("\t")
        if sep and name and (into / name).is_file():
            index[url] = name
    return index


def _write_index(into: Path, index: dict[str, str]) -> None:
    if not index:
        return
    text = "".join(f"{url}\t{name}\n" for url, name in sorted(index.items()))
    write_atomic(into / INDEX_NAME, text.encode("utf-8"))


# --- text helpers ----------------------------------------------------------------------


def clean_text(value: object) -> str:
    if not value:
        return ""
    text = str(value)
    if "<" in text:
        text = " ".join(html_paragraphs(text))
    return " ".join(text.split())


class _BlockText(html.parser.HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"})
    _HIDDEN = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []


def html_paragraphs(fragment: str) -> list[str]:
    """An HTML (or plain-text) fragment's text, one string per block."""
    parser = _BlockText()
    parser.feed(fragment)
    parser.close()
    parser.flush()
    return parser.paragraphs
