"""The community feature."""
