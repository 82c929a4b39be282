"""Exceptions shared by services and routes: a leaf module."""


class RuleViolation(Exception):
    """A business rule refused a change.

    `errors` maps form field names (None: the whole form) to messages; the common case of one
    message is RuleViolation("message", field="title").
    """

    def __init__(self, message=None, field=None, *, errors=None):
        self.errors = dict(errors) if errors else {field: message}
        super().__init__(" ".join(self.errors.values()))

    @property
    def message(self):
        return str(self)

    @property
    def field(self):
        return next(iter(self.errors))


class NotFound(Exception):
    """What was asked for does not exist, or is not shown to the asker: a 404 with this message."""
