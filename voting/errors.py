"""Exceptions shared by services and routes: a leaf module."""


class RuleViolation(Exception):
    """A business rule refused a change; `field` names the form field it concerns, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
