"""The live-class JSON messages: parse and check what a client sends, encode what the
server sends. Every refusal is a LiveError that becomes one `error` message."""

import math

import orjson

from .codes import MAX_SECRET, valid_client

TEACHER_TYPES = frozenset({"state", "ask", "reveal", "lock", "unlock", "gather", "end"})
STUDENT_TYPES = frozenset({"answer"})
COMMON_TYPES = frozenset({"ping", "hello"})
MAX_VALUE = 1e6  # |answer| and |right value|
MAX_QUESTION_ID = 80
MAX_STEP = 100_000

# Close codes after a failed hello (the socket stays open after any other error).
CLOSE_BAD_HELLO, CLOSE_BAD_SECRET, CLOSE_UNKNOWN, CLOSE_ENDED = 4400, 4403, 4404, 4410
CLOSE_FULL = 4429


class LiveError(Exception):
    """A refused message: `code` is one of the protocol's error codes."""

    def __init__(self, code: str, message: str, field: str | None = None, close: int | None = None):
        super().__init__(message)
        self.code, self.field, self.close = code, field, close

    def text(self) -> str:
        return encode({"type": "error", "code": self.code, "field": self.field, "message": str(self)})


def encode(message: dict) -> str:
    return orjson.dumps(message).decode()


def parse(text: str, max_bytes: int) -> dict:
    """A client's text frame -> a dict with a string `type`. Raises LiveError."""
    if len(text) > max_bytes or len(text.encode()) > max_bytes:
        raise LiveError("too_large", f"a message may have at most {max_bytes} bytes")
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise LiveError("bad_json", f"the message is not valid JSON ({error})") from None
    if not isinstance(message, dict):
        raise LiveError("bad_json", 'a message must be a JSON object such as {"type": "ping"}')
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in TEACHER_TYPES | STUDENT_TYPES | COMMON_TYPES:
        raise LiveError("unknown_type", f"unknown message type {str(kind)[:40]!r}", "type")
    return message


def number(message: dict, field: str) -> float:
    value = message.get(field)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or abs(value) > MAX_VALUE
    ):
        raise LiveError("bad_field", f"{field} must be a finite number between -{MAX_VALUE:g} and {MAX_VALUE:g}", field)
    return float(value)


def question_id(message: dict, field: str = "question") -> str:
    value = message.get(field)
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_QUESTION_ID:
        raise LiveError("bad_field", f"{field} must be a question id of 1 to {MAX_QUESTION_ID} characters", field)
    return value


def state(message: dict, required: bool = True) -> str | None:
    value = message.get("state")
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise LiveError("bad_field", "state must be the page's serialized state (a string)", "state")
    return value


def question(message: dict) -> dict | None:
    """The `question` of an `ask`: None (close it) or {"id", "step"}."""
    value = message.get("question")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise LiveError("bad_field", 'question must be null or {"id": ..., "step": ...}', "question")
    step = value.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_STEP:
        raise LiveError("bad_field", f"question.step must be a whole number from 0 to {MAX_STEP}", "question.step")
    return {"id": question_id(value, "id"), "step": step, "revealed": False, "right": None}


def hello(message: dict) -> tuple[str, str]:
    """A hello -> (role, client id or teacher secret). Raises LiveError (closing 4400)."""
    if message.get("type") != "hello":
        raise LiveError("bad_field", "the first message must be a hello", "type", CLOSE_BAD_HELLO)
    role = message.get("role")
    if role == "student":
        client = message.get("client")
        if not valid_client(client):
            raise LiveError(
                "bad_field", "client must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -", "client", CLOSE_BAD_HELLO
            )
        return "student", str(client)
    if role == "teacher":
        secret = message.get("secret")
        if not isinstance(secret, str) or not 1 <= len(secret) <= MAX_SECRET:
            raise LiveError("bad_secret", "a teacher's hello needs the class's secret", "secret", CLOSE_BAD_SECRET)
        return "teacher", secret
    raise LiveError("bad_field", 'role must be "student" or "teacher"', "role", CLOSE_BAD_HELLO)
