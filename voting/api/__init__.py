"""The read-only JSON API."""
from voting.api.routes import bp

__all__ = ["bp"]
