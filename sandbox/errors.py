"""The one way a handler refuses a request: Exotel answers with a RestException and that HTTP status."""


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def invalid(message: str) -> ApiError:
    return ApiError(400, f"Invalid Call Parameters: {message}")
