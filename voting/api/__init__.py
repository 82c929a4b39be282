"""The api feature."""
