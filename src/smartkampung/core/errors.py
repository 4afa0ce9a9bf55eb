class Refused(Exception):
    """A write refused: (field, message) pairs in the user's language; `status` is the HTTP answer
    (422 bad input, 404 not found, 409 conflict). Pages show the messages, the API returns them."""

    def __init__(self, errors: list[tuple[str, str]], status: int = 422):
        super().__init__("; ".join(m for _f, m in errors))
        self.errors, self.status = errors, status
