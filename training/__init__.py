"""The theme model's training: its labelled data (``data/``), how to read it (:mod:`.labelled`) and the trainer.

A development package beside :mod:`benchmarks`, importable from the checkout
(the editable install puts it on the path); the runtime never imports it.

    .venv/bin/python -m training.train_theme_model [--check]
"""
