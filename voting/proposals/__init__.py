"""Proposals and speakers: the call for presentations."""
