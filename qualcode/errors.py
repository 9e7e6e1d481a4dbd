"""The one exception type a user can cause.

The CLI turns a ``QualcodeError`` into a single line on stderr and exit status 1; anything
else is a bug and keeps its traceback. Library callers catch it to show their own message.
"""


class QualcodeError(Exception):
    """A problem with the user's input (file, codebook, column, code), stated in one line."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
