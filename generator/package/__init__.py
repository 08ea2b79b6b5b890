"""Packaging: rendered districts into reproducible zips, setup sheets, a manifest and checksums."""
