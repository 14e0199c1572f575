"""Where a redirect may go: only to a path on this site (no open redirects)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A local path: "/" then printable ASCII without spaces, backslashes or a second leading slash. Browsers
# drop tabs and line breaks from URLs ("/\t/evil" becomes "//evil"), so no control character may pass.
LOCAL_PATH = re.compile(r"^/(?![/\\])[\x21-\x5b\x5d-\x7e]*\Z")


def safe_local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None."""
    if not target or not LOCAL_PATH.match(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
