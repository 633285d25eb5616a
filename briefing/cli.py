"""The `briefing` command line: a thin click layer over the library.

Each command parses its options, calls one library function and prints.
Library errors are typed (briefing.errors); :func:`main` turns them into a
message on stderr and the error's own exit status, in one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from briefing import __version__
from briefing.config import Settings, as_dict, load_settings, parse_date, with_flags
from briefing.errors import BriefingError, NothingNewError, UsageError
from briefing.render import FORMATS

log = logging.getLogger("briefing")


class _Date(click.ParamType):
    """A YYYY-MM-DD flag, parsed once, here; a bad one is the same usage error as in the config file."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        return parse_date(value, f"--{param.name if param else 'date'}")  # type: ignore[return-value]


DATE = _Date()


def _setup_logging(quiet: bool = False, log_file: str | None = None) -> None:
    """Warnings to stderr (errors only with --quiet: cron mails any output); everything to --log-file."""
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.ERROR if quiet else logging.WARNING)
    console.setFormatter(logging.Formatter("briefing: %(levelname)s: %(message)s"))
    handlers: list[logging.Handler] = [console]
    if log_file:
        try:
            Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--log-file {log_file}: {exc.strerror or exc}") from exc
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(file_handler)
    root = logging.getLogger("briefing")
    for old in root.handlers:
        old.close()
    root.handlers[:] = handlers
    root.setLevel(logging.INFO if log_file else logging.WARNING)
    root.propagate = False


def _config_option(func: Callable) -> Callable:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help="Config file (default: ./briefing.toml, then the user config directory).",
    )(func)


def _split_title(title: str | None) -> dict[str, str | None]:
    """--title "中文 · English" sets both; a title in one script sets that side only."""
    if not title:
        return {}
    for separator in (" · ", " | ", " / "):
        if separator in title:
            zh, en = (part.strip() for part in title.split(separator, 1))
            return {"title_zh": zh, "title_en": en}
    if title.isascii():
        return {"title_en": title.strip()}
    return {"title_zh": title.strip()}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli() -> None:
    """Turn Chinese news articles into a bilingual US–China AI policy brief."""


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per article (and per skipped file).")
@click.option("--strict", is_flag=True, default=None, help="Exit non-zero if any file was skipped.")
@click.option(
    "--explain",
    is_flag=True,
    help="Show, line by line, what was kept as article text and why everything else was dropped.",
)
@_config_option
def articles(
    sources: tuple[str, ...], as_json: bool, strict: bool | None, explain: bool, config_path: str | None
) -> None:
    """List the articles read from SOURCES (files, folders or globs; default: seeds/)."""
    from briefing import ingest, scope
    from briefing.models import Skipped

    _setup_logging(quiet=as_json)
    settings = load_settings(config_path)
    settings.build = with_flags(settings.build, strict=strict)
    if explain:
        for path in ingest.iter_source_files(sources or settings.build.sources):
            click.echo(ingest.explain(path, max_bytes=settings.build.max_bytes))
        return
    skipped = 0
    for item in ingest.read_sources(sources or settings.build.sources, max_bytes=settings.build.max_bytes):
        if isinstance(item, Skipped):
            skipped += 1
            if as_json:
                click.echo(json.dumps({"path": item.path, "skipped": item.reason}, ensure_ascii=False))
            else:
                click.echo(f"skipped {item.path}: {item.reason}", err=True)
            continue
        scope.check(item)
        if as_json:
            click.echo(json.dumps(_article_json(item), ensure_ascii=False))
        else:
            title = item.title + (" (derived)" if item.title_derived else "")
            click.echo(
                f"{item.path}\n  {title}\n  {item.date_text or 'no date'} · {item.outlet or 'unknown outlet'}"
                f" · {item.author or 'no author'} · {item.chars} chars, {len(item.paragraphs)} paragraphs"
                + (f"\n  {item.url}" if item.url else "")
                + "".join(f"\n  problem: {p}" for p in item.problems)
            )
    if skipped and settings.build.strict:
        raise BriefingError(f"{skipped} file(s) skipped (--strict)")


def _article_json(article: Any) -> dict[str, Any]:
    return {
        "path": article.path,
        "title": article.title,
        "title_derived": article.title_derived,
        "date": article.date.isoformat() if article.date else None,
        "date_text": article.date_text,
        "outlet": article.outlet,
        "author": article.author,
        "url": article.url,
        "encoding": article.encoding,
        "kind": article.kind,
        "chars": article.chars,
        "paragraphs": len(article.paragraphs),
        "reworded": article.reworded,
        "origin": article.origin,
        "date_from_url": article.date_from_url,
        "digest": article.digest,
        "also": list(article.also),
        "on_topic": article.on_topic,
        "scope": article.scope_note,
        "problems": article.problems,
    }


@cli.command()
@click.argument("file", required=False, type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--top", type=click.IntRange(min=1), default=3, show_default=True, help="Sentences to print.")
@click.option(
    "--jsonl",
    is_flag=True,
    help='Stream: read {"id", "article"} lines on stdin, write {"id", "sentences"} lines (all sentences, best first).',
)
def summarize(file: str | None, top: int, jsonl: bool) -> None:
    """Print the top sentences of one article (FILE, or - for stdin), best first."""
    from briefing import rank

    _setup_logging()
    if jsonl:
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["article"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise UsageError(f"stdin line {number}: not a JSON object with an 'article': {exc}") from exc
            sentences = rank.summarize_text(text, title=record.get("title"))
            click.echo(json.dumps({"id": record.get("id"), "sentences": sentences}, ensure_ascii=False))
            sys.stdout.flush()
        return
    if file is None or file == "-":
        text, title = sys.stdin.read(), None
    else:
        from briefing import ingest

        article = ingest.read_article(Path(file))
        text = "\n".join(article.paragraphs)
        title = None if article.title_derived else article.title
    for sentence in rank.summarize_text(text, title=title, top=top):
        click.echo(sentence)


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.option(
    "--classify",
    type=click.File("r", encoding="utf-8"),
    help="Classify one sentence per line of FILE (- for stdin), each on its own; prints JSON lines.",
)
@click.option("--themes", "themes_file", type=click.Path(dir_okay=False, exists=True), help="Theme file (TOML).")
@_config_option
def themes(
    sources: tuple[str, ...], as_json: bool, classify: Any, themes_file: str | None, config_path: str | None
) -> None:
    """Show the theme of every selected point, with its score, deciding keywords and sources."""
    from briefing import themes as theme_stage
    from briefing.clean import normalize_for_analysis

    _setup_logging(quiet=as_json or classify is not None)
    settings = load_settings(config_path)
    settings.themes = with_flags(settings.themes, file=themes_file)
    taxonomy = settings.themes.taxonomy()
    if classify is not None:
        theme_stage.model_for(taxonomy, settings.themes)  # a bad classifier setting fails before any output
        for line in classify:
            sentence = line.strip()
            if not sentence:
                continue
            # Classified as the pipeline sees sentences: simplified, NFKC (晶片 and 芯片 alike).
            result = theme_stage.classify(normalize_for_analysis(sentence), taxonomy, settings=settings.themes)
            click.echo(
                json.dumps(
                    {"sentence": sentence, "theme": result.theme, "score": round(result.score, 4),
                     "keywords": list(result.keywords)},
                    ensure_ascii=False,
                )
            )
        return

    from briefing import core

    brief = core.build_brief(sources or None, settings=_without_translation(settings))
    for section in brief.sections:
        for point in section.points:
            cited = [s.path for s in point.sources]
            if as_json:
                click.echo(
                    json.dumps(
                        {
                            "theme": point.theme,
                            "score": round(point.theme_score, 4),
                            "rank_score": round(point.score, 6),
                            "secondary": point.secondary_themes,
                            "keywords": point.keywords,
                            "sentence": point.sentence.text,
                            "sources": cited,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                click.echo(
                    f"[{point.theme}] {point.theme_score:.2f}  {point.sentence.text}\n"
                    f"    keywords: {', '.join(point.keywords) or '-'}   sources: {', '.join(cited)}"
                )


def _without_translation(settings: Settings) -> Settings:
    # Themes need no English: skip the translator (and any endpoint it would call).
    settings.translate = dataclasses.replace(settings.translate, backend="none")
    return settings


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("-o", "--output", help="Output file (default from config: out/brief-{date}.pdf).")
@click.option(
    "--format",
    "formats",
    help=f"Comma-separated formats to write: {','.join(FORMATS)} (default: pdf).",
)
@click.option("--title", help='Brief title: "中文 · English", or one side only.')
@click.option(
    "--today", type=DATE, help="The brief's date, YYYY-MM-DD (default: today). Same input + same date = same brief."
)
@click.option("--top", type=click.IntRange(min=1), help="Points in the whole brief (default 25).")
@click.option("--since", type=DATE, help="Leave out articles dated before this day (YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Leave out articles dated after this day (YYYY-MM-DD).")
@click.option("--require-date", is_flag=True, default=None, help="Leave out articles without a full date.")
@click.option("--new-only", is_flag=True, default=None, help="Only points no earlier brief published (see --state-file).")
@click.option("--state-file", help="Where --new-only keeps published points (default out/.published.json).")
@click.option("--wait", type=click.IntRange(min=0), help="Seconds to wait for another run on the same output folder.")
@click.option("--themes", "themes_file", type=click.Path(dir_okay=False, exists=True), help="Theme file (TOML).")
@click.option(
    "--translator",
    type=click.Choice(["gist", "argos", "openai", "none"]),
    help="English side: gist (default, word-by-word), argos (offline NMT), openai (LLM endpoint) or none.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Processes for reading and ranking (default: one per core).")
@click.option("--mail-to", multiple=True, help="Mail the PDF to ADDR after building (repeatable; SMTP from [mail]).")
@click.option("--strict", is_flag=True, default=None, help="Fail (exit 1) if any file is skipped or a line falls back.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success (for cron); errors still go to stderr.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also append log messages to this file.")
@_config_option
def build(
    sources: tuple[str, ...],
    output: str | None,
    formats: str | None,
    title: str | None,
    today: dt.date | None,
    top: int | None,
    since: dt.date | None,
    until: dt.date | None,
    require_date: bool | None,
    new_only: bool | None,
    state_file: str | None,
    wait: int | None,
    themes_file: str | None,
    translator: str | None,
    jobs: int | None,
    mail_to: tuple[str, ...],
    strict: bool | None,
    quiet: bool,
    log_file: str | None,
    config_path: str | None,
) -> None:
    """Build the brief from SOURCES (default: seeds/) into out/brief-<date>.pdf."""
    from briefing import core

    _setup_logging(quiet=quiet, log_file=log_file)
    format_list = None
    if formats:
        format_list = [f.strip().lower() for f in formats.split(",") if f.strip()]
        unknown = sorted(set(format_list) - set(FORMATS))
        if unknown:
            raise UsageError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    settings = load_settings(config_path)
    settings.build = with_flags(
        settings.build,
        output=output,
        formats=format_list,
        top=top,
        strict=strict,
        since=since,
        until=until,
        require_date=require_date,
        new_only=new_only,
        state_file=state_file,
        wait=wait,
        jobs=jobs,
        **_split_title(title),
    )
    settings.themes = with_flags(settings.themes, file=themes_file)
    settings.translate = with_flags(settings.translate, backend=translator)
    settings.mail = with_flags(settings.mail, to=list(mail_to) or None)
    if mail_to and "pdf" not in settings.build.formats:
        raise UsageError("--mail-to sends the PDF: add pdf to --format")
    day = today or dt.date.today()

    def mail(brief: Any, written: list[Path]) -> None:
        from briefing import deliver

        pdf = next(path for path in written if path.suffix == ".pdf")
        deliver.send_pdf(pdf, settings.mail, brief=brief, date=day)
        log.info("mailed %s to %s", pdf, ", ".join(settings.mail.to + settings.mail.cc))
        if not quiet:
            click.echo(f"mailed {pdf} to {', '.join(settings.mail.to + settings.mail.cc)}")

    try:
        # The --new-only state advances only after the mail went out (see core.publish).
        brief, written = core.publish(sources or None, settings=settings, today=day, deliver=mail if mail_to else None)
    except NothingNewError as nothing:
        # Not a failure: under --quiet cron must stay silent, so only the exit status tells.
        if quiet:
            log.info("%s", nothing)
            sys.exit(nothing.exit_code)
        raise
    log.info("wrote %s", ", ".join(map(str, written)))
    if not quiet:
        for path in written:
            click.echo(str(path))


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option("--to", "to", multiple=True, help="Recipient (repeatable; default from [mail] to).")
@click.option("--cc", multiple=True, help="Copy recipient (repeatable).")
@click.option("--subject", help="Subject; {date} is replaced by the date (default from [mail]).")
@click.option("--today", type=DATE, help="The brief's date for the subject, YYYY-MM-DD (default: today).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@_config_option
def send(
    pdf: str,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    subject: str | None,
    today: dt.date | None,
    quiet: bool,
    config_path: str | None,
) -> None:
    """Mail PDF (a brief) by SMTP; server, sender and login come from [mail] and the environment."""
    from briefing import deliver

    _setup_logging(quiet=quiet)
    settings = load_settings(config_path)
    settings.mail = with_flags(settings.mail, to=list(to) or None, cc=list(cc) or None, subject=subject)
    if not settings.mail.to:
        raise UsageError("no recipient: give --to ADDR or set [mail] to in the config file")
    day = today or dt.date.today()
    deliver.send_pdf(Path(pdf), settings.mail, date=day)
    if not quiet:
        click.echo(f"mailed {pdf} to {', '.join(settings.mail.to + settings.mail.cc)}")


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--into", required=True, type=click.Path(file_okay=False), help="Folder to save articles into.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds per request (default 20).")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Largest response to accept (default 5 MB).")
@click.option("--strict", is_flag=True, help="Exit 1 if any URL failed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@_config_option
def fetch(
    urls: tuple[str, ...],
    into: str,
    timeout: float | None,
    max_bytes: int | None,
    strict: bool,
    quiet: bool,
    config_path: str | None,
) -> None:
    """Save RSS/Atom feed items and article pages from URLS as Markdown files in --into."""
    from briefing import fetch as fetch_stage

    _setup_logging(quiet=quiet)
    settings = load_settings(config_path)
    settings.fetch = with_flags(settings.fetch, timeout=timeout, max_bytes=max_bytes)
    report = fetch_stage.fetch(list(urls), Path(into), settings=settings.fetch)
    # Each failed URL was already logged as a warning by the fetch stage.
    for url, reason in report.fallbacks:
        log.warning("%s: saved the feed's summary instead of the page (%s)", url, reason)
    if not quiet:
        click.echo(
            f"{len(report.saved)} saved, {len(report.skipped_existing)} already fetched, "
            f"{len(report.failed)} failed, into {into}"
        )
    if report.failed and (strict or not report.saved and not report.skipped_existing):
        raise BriefingError(f"{len(report.failed)} URL(s) failed")


@cli.command()
@click.argument("file", required=False, type=click.Path(allow_dash=True, dir_okay=False, exists=False))
@click.option(
    "--translator",
    type=click.Choice(["gist", "argos", "openai", "none"]),
    help="English side (default from config: gist). The config's [translate] settings apply as for build.",
)
@click.option("--json", "as_json", is_flag=True, help='JSON lines {"zh", "en", "mode"} instead of plain English lines.')
@click.option("--strict", is_flag=True, default=None, help="Fail (exit 1) if a line falls back to the gist.")
@_config_option
def translate(file: str | None, translator: str | None, as_json: bool, strict: bool | None, config_path: str | None) -> None:
    """Translate Chinese lines (FILE, or - for stdin): one English line out per line in, in order."""
    from briefing.translate import translate_lines

    _setup_logging()
    settings = load_settings(config_path)
    settings.build = with_flags(settings.build, strict=strict)
    settings.translate = with_flags(settings.translate, backend=translator)
    lines = _read_lines(file)
    for zh, english in zip(lines, translate_lines(lines, settings.translate, strict=settings.build.strict), strict=True):
        record = {"zh": zh, "en": english.text, "mode": english.mode}
        click.echo(json.dumps(record, ensure_ascii=False) if as_json else english.text)


def _read_lines(file: str | None) -> list[str]:
    if file is None or file == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(file).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: cannot read as UTF-8 text: {exc}") from exc


@cli.command("config")
@_config_option
def show_config(config_path: str | None) -> None:
    """Print the effective settings (defaults < config file < environment) as TOML."""
    settings = load_settings(config_path)
    click.echo(f"# from: {settings.origin}")
    for section, values in as_dict(settings).items():
        click.echo(f"\n[{section}]")
        for key, value in values.items():
            if value is not None:
                click.echo(f"{key} = {json.dumps(value, ensure_ascii=False)}")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and map library errors to exit codes."""
    try:
        cli.main(args=argv, prog_name="briefing", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("briefing: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except BriefingError as exc:
        click.echo(f"briefing: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("briefing: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `briefing summarize ... | head`: the reader left; not an error.
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    main()
