"""Atheris harness: segment.split_text invariants on arbitrary Unicode.

    .venv/bin/python fuzz/fuzz_segment.py -runs=100000 -timeout=10 -artifact_prefix=fuzz/crashes/
"""

import sys

import atheris

with atheris.instrument_imports(include=["briefing"]):
    from briefing.segment import split_text


def TestOneInput(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    max_chars = provider.ConsumeIntInRange(1, 200)
    text = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
    spans = split_text(text, max_chars=max_chars)
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text), (spans, text)
        assert text[start:end] == text[start:end].strip()
        previous = end
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split()), (spans, text)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
