"""site-builder: a static website generator for browsing research papers."""

__version__ = "0.1.0"
