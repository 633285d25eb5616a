"""Generate a synthetic corpus of N articles for the scale benchmarks.

Real articles beyond the seeds are not committed, so the benchmarks build
their corpus from the seeds' own lines: each synthetic article takes a random
title, date, outlet and file kind (Markdown with front matter, an HTML feed
fragment, or plain text with a byline) and 6–30 paragraphs drawn from the
pool with numbers and dates perturbed, so near-duplicates exist across
articles (as in real feeds) but most sentences differ.  Deterministic for a
given seed.

    python benchmarks/corpus.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
OUTLETS = ["新华社", "澎湃新闻", "财新", "虎嗅APP", "36氪", "界面新闻", "第一财经", "美国之音 VOA", "联合早报", "环球时报"]
_MARKUP = re.compile(r"<[^>]+>|\*\*|^[>#\-\s]+|\[[^\]]*\]\([^)]*\)")
_DIGITS = re.compile(r"\d+")


def paragraph_pool(seeds: Path = SEEDS) -> list[str]:
    """Body-like lines of the seed files (markup stripped, short lines dropped)."""
    pool: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"</p>|<br\s*/?>", "\n", text)
        for line in re.split(r"\n|(?<=。) ", text):
            line = _MARKUP.sub("", line).strip()
            if len(line) >= 40 and not line.startswith(("title:", "date:", "author:")):
                pool.append(line)
    return pool


def _perturb(paragraph: str, rng: random.Random) -> str:
    # Change some numbers so that not every copy is an exact duplicate.
    if rng.random() < 0.6:
        return _DIGITS.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), paragraph, count=2)
    return paragraph


def make_article(index: int, pool: list[str], rng: random.Random) -> tuple[str, str]:
    """(file name, file text) of one synthetic article."""
    paragraphs = [_perturb(p, rng) for p in rng.sample(pool, k=min(len(pool), rng.randint(6, 30)))]
    title = re.split(r"[，。：,]", paragraphs[0])[0][:30] or f"文章{index}"
    date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
    outlet = rng.choice(OUTLETS)
    kind = index % 3
    if kind == 0:
        body = "\n\n".join(paragraphs)
        text = f"---\ntitle: '{title}'\ndate: {date.isoformat()}\nauthor: 记者{index}\n---\n\n{body}\n"
        return f"{index:05d}.md", text
    if kind == 1:
        millis = int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC).timestamp() * 1000)
        stamp = dt.datetime(date.year, date.month, date.day).strftime("%a, %d %b %Y 08:00:00 GMT")
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        text = (
            f"<!--{millis}-->\n[{title}](https://example.com/a/{index}.html)\n------\n\n"
            f"<div><i>{stamp}</i></div>{body}\n"
        )
        return f"{index:05d}.html", text
    body = "\n\n".join(paragraphs)
    text = f"{title}\n\n文 | {outlet}\n作者 | 记者{index}\n\n{date.year}年{date.month}月{date.day}日消息，{body}\n"
    return f"{index:05d}.txt", text


def generate(count: int, folder: Path, *, seed: int = 20240522) -> Path:
    rng = random.Random(seed)
    pool = paragraph_pool()
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        name, text = make_article(index, pool, rng)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=20240522)
    args = parser.parse_args()
    generate(args.count, args.folder, seed=args.seed)
    print(f"{args.count} articles in {args.folder}")


if __name__ == "__main__":
    main()
