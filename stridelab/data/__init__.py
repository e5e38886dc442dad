"""Packaged data: the threshold table and the marker-set mapping files."""
