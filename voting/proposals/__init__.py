"""The proposals feature."""
