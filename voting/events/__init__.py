"""Events, tracks and the people who run them."""
from voting.events.routes import bp

__all__ = ["bp"]
