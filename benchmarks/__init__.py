"""Benchmarks: measurements of the pipeline, each a script beside what it measures.

A development package (with :mod:`training`), importable from the checkout,
so a benchmark and a test share code by importing it:

    .venv/bin/python -m benchmarks.summarizer ../shared/eval/nlpcc2017_dev.jsonl
"""
