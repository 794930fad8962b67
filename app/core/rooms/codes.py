"""Room codes and teacher tokens, drawn from the operating system's CSPRNG (``secrets``).

A code is what students type or scan: six characters from an alphabet without the look-alikes
0/O and 1/I/l (and no lower case at all), so ``K7P2QD`` read off a projector is unambiguous.
The teacher token is the secret that lets one tab act as the teacher; the stores keep only its
SHA-256 digest and compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
TOKEN_BYTES = 24


def new_code() -> str:
    """A fresh room code, e.g. ``K7P2QD`` (31⁶ ≈ 8.9e8 codes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """``text`` as a code (upper-cased, spaces and dashes dropped), or None if it cannot be one."""
    code = text.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_token() -> str:
    """The teacher's secret (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What a store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str | None, digest: str) -> bool:
    """Whether ``token`` is the one whose digest is ``digest`` (constant-time comparison)."""
    if not token:
        return False
    return hmac.compare_digest(token_digest(token), digest)
