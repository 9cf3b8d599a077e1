"""TTHC Desk: the counter application of a commune one-stop office (Bộ phận Một cửa)."""

__version__ = "0.1.0"
