"""Enrichment: pure functions from Site to Site (no I/O)."""
