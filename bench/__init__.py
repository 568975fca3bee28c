"""Benchmarks of callpipe (run as `python -m bench.<name>`)."""
