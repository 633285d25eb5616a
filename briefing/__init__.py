"""briefing: Chinese news articles in, a bilingual US–China AI policy brief out."""

__version__ = "0.1.0"
