"""The schedule feature."""
