from justsend_panel.core.exceptions import ApplicationError


class MediaError(ApplicationError):
    """A media file cannot be uploaded or deleted as asked."""
