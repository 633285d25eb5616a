"""Atheris (libFuzzer) harness: ingest.parse_article on arbitrary bytes.

The only allowed failure is IngestError (a file skipped with a reason); any
other exception is a crash, and libFuzzer's -timeout catches hangs.  The first
byte picks the file name, so every reader (text, Markdown, HTML) is reached.

    .venv/bin/python fuzz/fuzz_ingest.py -runs=100000 -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix=fuzz/crashes/ fuzz/corpus/ingest
"""

import sys

import atheris

with atheris.instrument_imports(include=["briefing"]):
    from briefing import ingest
    from briefing.errors import IngestError

NAMES = ("a.txt", "a.md", "a.html", "a", "a.xml", "a.markdown")


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    try:
        article = ingest.parse_article(data[1:], name)
    except IngestError as error:
        assert error.reason and "\n" not in error.reason, repr(error.reason)
        return
    assert article.title and article.paragraphs, article
    assert all(isinstance(p, str) and p for p in article.paragraphs)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
