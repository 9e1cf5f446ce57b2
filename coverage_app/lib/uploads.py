"""What a document sent for a review may be: a PDF or an image, told by its first bytes (never by
the name or the type the browser claims), and not too large. Pure: no Django."""

MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a scanned record of many pages; no more
ACCEPTED = "PDF, PNG, JPEG or TIFF"

# The file's first bytes, and the type it is stored and served as.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class Refused(ValueError):
    """Why a file cannot be kept: a sentence for the reviewer."""


def content_type(head: bytes, size: int) -> str:
    """The type of a file of `size` bytes that starts with `head`, or Refused."""
    if size == 0:
        raise Refused("The file is empty.")
    if size > MAX_BYTES:
        raise Refused(f"The file is {size / 1024 / 1024:.1f} MB; the largest accepted is {MAX_BYTES // 1024 // 1024} MB.")
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    raise Refused(f"Only {ACCEPTED} files are accepted; this file is none of them.")
