"""Checks of an uploaded file before it is stored: no database (used by assurance evidence and review
terms of reference; the ZIP check also by core.imports).

A file is refused when its extension is not allowed, when it is too large or empty, when its first
bytes do not match its extension (a renamed executable or web page is not a PDF), or when it does not
open as what its extension claims: a PDF parses (pypdf), an image opens (Pillow), a workbook opens
(openpyxl), a Word or OpenDocument file is a ZIP with the parts of its kind, a text or CSV file is UTF-8.
Types without a signature (text, CSV) must not contain NUL bytes in their first bytes. Office 97-2003
files (.doc, .xls) are checked by their first bytes only: no parser for them is installed.

Stored names keep their extension: `shorten_name` cuts the stem, never the extension.
"""

import io
import math
import os
import zipfile
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename


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


# --- Does the content open as what its extension claims? -----------------------------------------

# An evidence file is at most 10 MB; its uncompressed parts may be larger than the import limit (a
# workbook with pictures, a long report), but not without bound: openpyxl loads some parts whole.
EVIDENCE_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
EVIDENCE_MAX_ZIP_MEMBERS = 5000

# ZIP-based formats: a part every file of the kind has.
ZIP_PARTS = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
    "odt": "content.xml",
    "ods": "content.xml",
}
OPENDOCUMENT_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}


def zip_problem(data, *, max_uncompressed_bytes, max_members, max_worksheets=None, required=None, what="a ZIP file"):
    """None when `data` (bytes or a seekable file) is a ZIP archive within the limits, else a message. The
    sizes come from the archive's directory; Python's zipfile never inflates a member beyond its declared
    size, so a member that lies about it fails its check when read instead of filling memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes | bytearray) else data)
    except (zipfile.BadZipFile, OSError, ValueError):
        return f"This file is not {what}."
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            return f"This file holds {len(members):,} parts: at most {max_members:,} are accepted."
        if max_worksheets is not None:
            sheets = sum(1 for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"))
            if sheets > max_worksheets:
                return f"The workbook has {sheets} sheets: at most {max_worksheets} can be imported."
        total = sum(m.file_size for m in members)
        if total > max_uncompressed_bytes:
            return (
                f"This file unpacks to {format_size(total)}: the largest accepted is "
                f"{format_size(max_uncompressed_bytes)} (a compressed file this large is refused unread)."
            )
        if required and required not in archive.namelist():
            return f"This file is not {what}."
    return None


def _rewound(upload):
    upload.seek(0)
    return upload


def _pdf_problem(upload):
    from pypdf import PdfReader

    try:
        reader = PdfReader(_rewound(upload), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "The PDF is protected by a password: upload a copy without one."
        if len(reader.pages) < 1:
            return "The PDF has no pages."
    except Exception:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        return "The file's content is not a readable PDF file."
    return None


def _image_problem(upload, extension):
    from PIL import Image

    expected = PILLOW_FORMATS[extension]
    try:
        with Image.open(_rewound(upload)) as image:
            actual = image.format
            image.verify()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return f"The file's content is not a readable {extension.upper()} image."
    if actual != expected:
        return f"The file's content is a {actual} image, not {extension.upper()}: save it as {extension.upper()}."
    return None


def _zip_document_problem(upload, extension):
    label = FILE_TYPES[extension].label
    what = f"a readable {label} file"
    if problem := zip_problem(
        _rewound(upload),
        max_uncompressed_bytes=EVIDENCE_MAX_UNCOMPRESSED_BYTES,
        max_members=EVIDENCE_MAX_ZIP_MEMBERS,
        required=ZIP_PARTS[extension],
        what=what,
    ):
        return problem
    with zipfile.ZipFile(_rewound(upload)) as archive:
        if extension in OPENDOCUMENT_MIMETYPES:
            names = archive.namelist()
            if "mimetype" not in names or archive.read("mimetype").strip() != OPENDOCUMENT_MIMETYPES[extension]:
                return f"The file's content is not {what}."
    if extension == "xlsx":
        from openpyxl import load_workbook

        try:
            load_workbook(_rewound(upload), read_only=True, data_only=True).close()
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
            return f"The file's content is not {what}."
    return None


def _text_problem(upload, extension):
    try:
        _rewound(upload).read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return f"The file's content is not UTF-8 text: save the {extension.upper()} file as UTF-8 and upload it again."
    return None


def structure_problem(name, upload):
    """None when the uploaded file (a seekable binary file) opens as what the extension of `name` claims,
    else a message. Its position is left at the start."""
    extension = extension_of(name)
    try:
        if extension == "pdf":
            return _pdf_problem(upload)
        if extension in PILLOW_FORMATS:
            return _image_problem(upload, extension)
        if extension in ZIP_PARTS:
            return _zip_document_problem(upload, extension)
        if FILE_TYPES.get(extension, TEXT).signatures == ():
            return _text_problem(upload, extension)
        return None  # .doc, .xls: the first bytes were checked; no parser for them is installed
    finally:
        upload.seek(0)


def uploaded_file_problem(upload, *, max_bytes, extensions):
    """None when an uploaded file may be stored, else the first problem: type, size, first bytes, then
    whether the content opens as its type (only read once the cheaper checks pass)."""
    problem = upload_problem(upload.name, upload.size, read_head(upload), max_bytes=max_bytes, extensions=extensions)
    return problem or structure_problem(upload.name, upload)


# --- Names ---------------------------------------------------------------------------------------

# Stored file names are short: the storage path (up to about 30 characters for evidence, 17 for terms of
# reference) plus the name and a possible "_abcdefg" suffix must fit the smallest FileField (100).
STORED_NAME_LENGTH = 60
# Names shown to people and used for downloads (Evidence.original_name has 200 characters).
DISPLAY_NAME_LENGTH = 200


def shorten_name(name, max_length):
    """A file name of at most `max_length` characters that keeps its extension: the stem is cut."""
    name = os.path.basename((name or "").replace("\\", "/"))
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name[:max_length]
    suffix = f".{extension}"
    if len(suffix) >= max_length:  # an extension that long is no extension we accept
        return name[:max_length]
    return stem[: max_length - len(suffix)] + suffix


def stored_name(name, max_length=STORED_NAME_LENGTH):
    """The name to store an upload under: safe characters only (Django's rule), at most `max_length`
    characters, extension kept. The storage adds "_" and 7 characters when the name is taken."""
    extension = extension_of(name)
    plain = f"upload.{extension}" if extension else "upload"
    try:
        safe = get_valid_filename(shorten_name(name, max_length))
    except SuspiciousFileOperation:  # nothing safe left of the name
        return plain
    return plain if safe.startswith(".") else safe
