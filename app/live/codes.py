"""Join codes, teacher secrets and student client ids."""

import hashlib
import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1: nothing to misread
CODE_LENGTH = 6
_CODE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
_CLIENT = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_SECRET = 100  # characters; a real secret has 43


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """' k7m-2qx ' -> 'K7M2QX'; None when it cannot be a join code."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    return code if _CODE.match(code) else None


def new_secret() -> str:
    """32 random bytes, url-safe base64 without padding (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The only form of a secret the server keeps."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return secrets.compare_digest(hash_secret(secret), stored_hash)


def valid_client(client) -> bool:
    return isinstance(client, str) and bool(_CLIENT.match(client))
