"""What a document must be before anything is stored: checked by content, never by its name.

Type detection is by magic numbers (the ``filetype`` package: pure Python, no system
library); the checks a library does not offer (zip bombs, active content in PDFs, names) are
written here, each refusing with a message a practitioner can act on.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from apps.core.exceptions import ServiceError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"

# Detected type -> (words for people, the extensions a name may have, the stored extension).
ALLOWED: dict[str, tuple[str, tuple[str, ...], str]] = {
    PDF: ("PDF", (".pdf",), ".pdf"),
    JPEG: ("JPEG photo", (".jpg", ".jpeg"), ".jpg"),
    PNG: ("PNG image", (".png",), ".png"),
    DOCX: ("Word document", (".docx",), ".docx"),
    ODT: ("OpenDocument text", (".odt",), ".odt"),
    TEXT: ("plain text", (".txt",), ".txt"),
}
ALLOWED_WORDS = "PDF, JPEG, PNG, Word (.docx), OpenDocument text (.odt) or plain text (.txt)"
ZIP_BASED = {DOCX, ODT}
PROGRAM_TYPES = {"application/x-executable", "application/x-msdownload",
                 "application/x-mach-binary", "application/x-sharedlib",
                 "application/vnd.microsoft.portable-executable", "application/x-elf",
                 "application/x-dosexec"}
ACTIVE_PDF_KEYS = {"/JS", "/JavaScript", "/Launch"}
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE_NAME = re.compile(rb"/(JavaScript|JS|Launch)(?![A-Za-z0-9])")


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))


def max_zip_ratio() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_ZIP_RATIO", 100))


def max_zip_entries() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_ZIP_ENTRIES", 1000))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


@dataclass(frozen=True)
class Checked:
    filename: str
    content_type: str
    extension: str


def check_filename(name: str) -> str:
    """The name as given, or a refusal: no path separators, no control characters."""
    if name is None or not str(name).strip():
        raise ServiceError("The file has no name. Rename it and try again.", field="file")
    name = str(name).strip()
    if "/" in name or "\\" in name:
        raise ServiceError("The file name must not contain / or \\ (a path). Rename the file "
                           "and try again.", field="file")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise ServiceError("The file name contains control characters. Rename the file and "
                           "try again.", field="file")
    if name in (".", "..") or name.startswith("."):
        raise ServiceError("The file name must not start with a dot. Rename the file and try "
                           "again.", field="file")
    if len(name) > 200:
        raise ServiceError("The file name must be 200 characters or fewer.", field="file")
    return name


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(char) == "Cc" and char not in "\t\r\n\f"
                   for char in text)


def _check_zip(data: bytes) -> None:
    """Refuse an archive that unpacks to far more than it weighs (a "zip bomb")."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ServiceError("The file is damaged (its contents cannot be read).",
                           field="file") from exc
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(sum(entry.compress_size for entry in entries), 1)
    if (len(entries) > max_zip_entries() or unpacked > max_unpacked_bytes()
            or unpacked / packed > max_zip_ratio()
            or any(entry.filename.endswith((".zip", ".docx", ".odt")) for entry in entries)):
        raise ServiceError("The file unpacks to far more than its size (a \"zip bomb\"), so it "
                           "cannot be accepted.", field="file")


def _pdf_has_active_content(data: bytes) -> bool:
    """JavaScript or launch actions anywhere in the PDF: in its raw bytes (names may be
    #-escaped) or in any object reachable from its trailer (object streams are compressed,
    so pypdf reads them)."""
    if _PDF_ACTIVE_NAME.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]),
                                                    data)):
        return True
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ServiceError("The PDF is password-protected, so it cannot be checked. Save "
                               "it without a password and try again.", field="file")
        stack: list = [reader.trailer]
        seen: set = set()
        visited = 0
        while stack and visited < 200_000:
            item = stack.pop()
            visited += 1
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                for name, value in item.items():
                    if name in ACTIVE_PDF_KEYS or (isinstance(value, NameObject)
                                                   and value in ACTIVE_PDF_KEYS):
                        return True
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)
    except ServiceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError) as exc:
        raise ServiceError("The PDF is damaged (it cannot be read).", field="file") from exc
    return False


def check_content(*, name: str, data: bytes) -> Checked:
    """Check a file completely before anything is stored; raise ``ServiceError`` with a
    clear message otherwise."""
    filename = check_filename(name)
    if not data:
        raise ServiceError("The file is empty.", field="file")
    if len(data) > max_bytes():
        raise ServiceError(f"The file must be {human_size(max_bytes())} or smaller.",
                           field="file")
    kind = filetype.guess(data)
    detected = kind.mime if kind else (TEXT if _is_text(data) else "")
    if detected in PROGRAM_TYPES or data[:2] == b"MZ" or data[:4] == b"\x7fELF":
        raise ServiceError("The file is a program, not a document, so it cannot be accepted "
                           "(whatever its name says).", field="file")
    if detected in ZIP_BASED or detected == "application/zip" or zipfile.is_zipfile(
            io.BytesIO(data)):
        _check_zip(data)
    if detected not in ALLOWED:
        raise ServiceError(f"The file must be a {ALLOWED_WORDS}. Its content is not one of "
                           "these (whatever its name says).", field="file")
    words, extensions, stored = ALLOWED[detected]
    lowered = filename.lower()
    if not lowered.endswith(extensions):
        raise ServiceError(f"The file's content is a {words} but its name does not end in "
                           f"{' or '.join(extensions)}. Rename it and try again.", field="file")
    if detected == PDF and _pdf_has_active_content(data):
        raise ServiceError("The PDF contains JavaScript or actions that run programs, so it "
                           "cannot be accepted. Print it to a new PDF and try again.",
                           field="file")
    return Checked(filename=filename, content_type=detected, extension=stored)
