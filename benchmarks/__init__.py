"""Speed at 10k / 100k / 1M people: ``python -m benchmarks --help``. Run by hand, never by tests."""
