"""Bot API error answers, worded exactly as Telegram words them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

CHAT_NOT_FOUND = "Bad Request: chat not found"
CHAT_ID_EMPTY = "Bad Request: chat_id is empty"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
TEXT_BUTTONS_UNALLOWED = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
CANT_BE_EDITED = "Bad Request: message can't be edited"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "Bad Request: there is no caption in the message to edit"
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
REPLY_NOT_FOUND = "Bad Request: message to be replied not found"
FILE_TOO_BIG = "Bad Request: file is too big"
INVALID_FILE_ID = "Bad Request: invalid file_id"
WRONG_FILE_IDENTIFIER = "Bad Request: wrong file identifier/HTTP URL specified"
IMAGE_PROCESS_FAILED = "Bad Request: IMAGE_PROCESS_FAILED"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
KICKED = "Forbidden: bot was kicked from the group chat"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status ``error_code`` and the JSON body."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram sends with this error."""
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(description: str) -> ApiError:
    """A 400 error; ``description`` should already start with ``Bad Request:``."""
    return ApiError(400, description)


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's flood-control answer."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


def for_status(status: int, retry_after: int = 1, description: str | None = None) -> ApiError:
    """An error of any HTTP status, worded like Telegram's (used by fault injection)."""
    if status == 429:
        err = too_many_requests(retry_after)
        if description:
            err.description = description
        return err
    if description is None:
        defaults = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
        }
        try:
            description = defaults.get(status) or HTTPStatus(status).phrase
        except ValueError:
            description = f"Error {status}"
    return ApiError(status, description)
