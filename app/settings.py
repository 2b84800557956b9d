"""Runtime settings read from environment variables (the CLI's flags set the same
variables, so `--workers N` children see them too). Invalid values raise
`SettingsError` with a message fit to print at start-up."""

import os
import re
from dataclasses import dataclass

FRAME_ANCESTORS_ENV = "LSTM_LAB_FRAME_ANCESTORS"
BODY_TIMEOUT_ENV = "LSTM_LAB_BODY_TIMEOUT"
BODY_TIMEOUT_DEFAULT = 10.0  # seconds a client may take to send a request body
LINKS_FILE_ENV = "LSTM_LAB_LINKS_FILE"  # the SQLite file of short links (created when first used)


def default_links_file(env) -> str:
    """$XDG_DATA_HOME (or ~/.local/share)/lstm-cell-lab/links.sqlite3."""
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "lstm-cell-lab", "links.sqlite3")

# scheme://host[:port], host a DNS name (optionally "*." for any subdomain), an IPv4
# address or a bracketed IPv6 address. No path, query, quotes, spaces or semicolons:
# anything else could smuggle a directive into the Content-Security-Policy header.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ORIGIN = re.compile(
    rf"^https?://(?:\*\.)?(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?$")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and the value."""


def parse_origins(text: str, source: str = f"{FRAME_ANCESTORS_ENV} (--frame-ancestors)") -> tuple[str, ...]:
    """'https://moodle.school.org, https://*.lms.example' -> a tuple of origins, in order,
    duplicates dropped. Separators: spaces and/or commas. Raises SettingsError on junk."""
    origins = []
    for item in filter(None, re.split(r"[\s,]+", text.strip())):
        origin = item.rstrip("/")
        port = origin.rsplit(":", 1)[-1] if re.search(r":[0-9]+$", origin) else None
        if not _ORIGIN.match(origin) or (port is not None and not 0 < int(port) < 65536):
            raise SettingsError(
                f"{source}: {item!r} is not an origin; give scheme://host[:port] such as "
                "https://moodle.example.org or https://*.school.example (http or https, "
                "no path), separated by spaces or commas")
        if origin.lower() not in (o.lower() for o in origins):
            origins.append(origin)
    return tuple(origins)


def parse_timeout(text: str, source: str = f"{BODY_TIMEOUT_ENV} (--body-timeout)") -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:
        raise SettingsError(f"{source}: {text!r} must be a number of seconds in (0, 3600]")
    return value


@dataclass(frozen=True)
class Settings:
    frame_ancestors: tuple[str, ...] = ()  # origins allowed to embed the page; () = none
    body_timeout: float = BODY_TIMEOUT_DEFAULT  # seconds to receive a whole request body
    links_file: str = ""  # short links' SQLite file; "" = default_links_file()


def from_env(environ: dict | None = None) -> Settings:
    """The settings in force, from `environ` (default: os.environ)."""
    env = os.environ if environ is None else environ
    timeout = env.get(BODY_TIMEOUT_ENV, "").strip()
    return Settings(frame_ancestors=parse_origins(env.get(FRAME_ANCESTORS_ENV, "")),
                    body_timeout=parse_timeout(timeout) if timeout else BODY_TIMEOUT_DEFAULT,
                    links_file=env.get(LINKS_FILE_ENV, "").strip() or default_links_file(env))
