class ServiceError(Exception):
    """A refused change: the message is safe to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionNotAllowed(ServiceError):
    """The object is not in a state that allows the change (HTTP 409)."""


class NotPermitted(ServiceError):
    """The user may see the object but may not make this change (HTTP 403)."""
