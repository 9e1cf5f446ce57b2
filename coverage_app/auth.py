"""Log-in throttling helpers for django-axes."""


def axes_username(request, credentials) -> str:
    """The username a failed log-in tried, safe to store: printable characters, 150 at most."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return "".join(ch for ch in str(raw) if ch.isprintable())[:150]
