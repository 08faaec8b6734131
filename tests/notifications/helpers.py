"""Plain helpers of the notification tests."""

from tests.data import DRAFT_TEXT

# The test draft's text with one paragraph changed: publishing it makes a new version.
NEW_TEXT = DRAFT_TEXT.replace(
    "die sich für ihr Viertel einsetzen", "die sich für ihr Viertel und die Umwelt einsetzen"
)
