"""Proposals and speakers: the call for presentations."""
from voting.proposals.routes import bp

__all__ = ["bp"]
