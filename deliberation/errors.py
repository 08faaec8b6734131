class ActionRefused(Exception):
    """A write was refused; `code` is one of the websocket protocol's error codes.

    Codes: bad_message, not_authenticated, forbidden, not_found, invalid, closed, rate_limited,
    unavailable (a server-side fault: nothing was saved).
    `message` is a sentence for people, in the active language; `field`, if given, names the
    form field the message belongs next to.
    """

    def __init__(self, code: str, message: str, *, field: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
