"""Marker-set mapping files (TOML), one per marker set."""
