"""Atheris harness: translate.gist never raises and returns a string.

    .venv/bin/python fuzz/fuzz_gist.py -runs=100000 -timeout=10 -artifact_prefix=fuzz/crashes/
"""

import sys

import atheris

with atheris.instrument_imports(include=["briefing"]):
    from briefing import tokenize, translate

tokenize.load()
translate.gist("预热")  # load CC-CEDICT before fuzzing, not inside the first input's timeout


def TestOneInput(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    out = translate.gist(text)
    assert isinstance(out, str)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
