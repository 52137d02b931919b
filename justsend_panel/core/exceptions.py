class ApplicationError(Exception):
    """A domain error whose message is fit to show to the user as it is."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidTransition(ApplicationError):
    """A state machine was asked for a move its transition table does not allow."""
