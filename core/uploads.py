"""Checks of an uploaded file before it is stored: pure, no database (used by assurance evidence and
review terms of reference).

A file is refused when its extension is not allowed, when it is too large or empty, or when its first
bytes do not match its extension (a renamed executable or web page is not a PDF). Types without a
signature (text, CSV) must not contain NUL bytes in their first bytes.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    label: str  # how people name the type: "Word", "PDF"
    signatures: tuple = ()  # the file must start with one of these; () means a text file


ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument files are ZIP archives
OLE = b"\xd0\xcf\x11\xe0"  # Office 97-2003 compound documents

# Extension (lower case, no dot) -> type.
FILE_TYPES = {
    "pdf": FileType("PDF", (b"%PDF",)),
    "docx": FileType("Word", (ZIP,)),
    "doc": FileType("Word", (OLE,)),
    "xlsx": FileType("Excel", (ZIP,)),
    "xls": FileType("Excel", (OLE,)),
    "pptx": FileType("PowerPoint", (ZIP,)),
    "odt": FileType("OpenDocument", (ZIP,)),
    "ods": FileType("OpenDocument spreadsheet", (ZIP,)),
    "png": FileType("PNG", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("JPEG", (b"\xff\xd8\xff",)),
    "jpeg": FileType("JPEG", (b"\xff\xd8\xff",)),
    "gif": FileType("GIF", (b"GIF87a", b"GIF89a")),
    "txt": FileType("text"),
    "csv": FileType("CSV"),
}
TEXT = FileType("text")  # an allowed extension missing from FILE_TYPES is checked as text

# Bytes to read from the start of a file for the content check.
HEAD_BYTES = 2048


def extension_of(name):
    """The extension of a file name, lower case without the dot; "" when there is none."""
    name = name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _normalise(extensions):
    return [e.lower().lstrip(".") for e in extensions]


def describe_types(extensions):
    """'PDF, Word (.docx, .doc) or OpenDocument (.odt)': allowed types by name, in the order given."""
    groups = {}
    for extension in _normalise(extensions):
        label = FILE_TYPES[extension].label if extension in FILE_TYPES else extension.upper()
        groups.setdefault(label, []).append(extension)
    parts = []
    for label, group in groups.items():
        if group == [label.lower()]:
            parts.append(label)
        else:
            parts.append(f"{label} ({', '.join('.' + e for e in group)})")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"


def format_size(size):
    """Bytes as people read them, rounded up so a file just over a limit never reads as the limit."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = math.ceil(size * 10 / factor) / 10
            return f"{value:g} {unit}"
    return f"{size} byte" + ("" if size == 1 else "s")


def content_problem(name, head):
    """None when the first bytes `head` match the extension of `name`, else a message."""
    extension = extension_of(name)
    file_type = FILE_TYPES.get(extension, TEXT)
    if file_type.signatures:
        if not any(head.startswith(signature) for signature in file_type.signatures):
            return f"The file's content is not a {extension.upper()} file."
    elif b"\x00" in head:
        return f"The file's content is not a {extension.upper()} text file."
    return None


def upload_problem(name, size, head, *, max_bytes, extensions):
    """None when the file may be stored, else the first problem as a message: type (by extension, from
    `extensions`), size (at most `max_bytes`; not empty), then content (`head`, its first bytes)."""
    extension = extension_of(name)
    if extension not in _normalise(extensions):
        allowed = describe_types(extensions)
        article = "an" if allowed[:1].lower() in set("aeio") else "a"
        return f"A file of type '{extension or 'none'}' cannot be uploaded: it must be {article} {allowed} file."
    if size > max_bytes:
        return f"The file is {format_size(size)}: the largest allowed is {format_size(max_bytes)}."
    if size == 0:
        return "The file is empty."
    return content_problem(name, head)


def read_head(upload, count=HEAD_BYTES):
    """The first `count` bytes of an uploaded file, leaving its position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(count)
    upload.seek(position)
    return head or b""
