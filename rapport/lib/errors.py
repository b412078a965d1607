"""Errors actions raise; views and the API turn them into a clear message for a person."""


class ActionError(Exception):
    """The request cannot be done as asked (bad input, not allowed in this state)."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(ActionError):
    """Somebody else changed the thing first; reload and try again."""

    status_code = 409


class Forbidden(ActionError):
    """The person may not do this (it is a supervisor's or an operator's decision)."""

    status_code = 403
