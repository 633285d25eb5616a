"""Plain text: one paragraph per line; a flattened one-line article is split
at the spaces it left after sentence ends."""

from __future__ import annotations

from briefing.clean import split_flattened
from briefing.formats import Block, Draft


def read(text: str) -> Draft:
    blocks = []
    for line in text.splitlines():
        for part in split_flattened(line):
            if part.strip():
                blocks.append(Block(part))
    return Draft(kind="text", blocks=blocks)
