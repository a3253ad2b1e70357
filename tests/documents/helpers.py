"""Files for the document tests, made here (nothing downloaded)."""

from __future__ import annotations

import datetime
import io
import zipfile
from functools import cache

from fpdf import FPDF

from tests.documents.clamd_server import EICAR


@cache
def pdf_bytes(text: str = "I agree to my information being shared.") -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def pdf_with_javascript(*, escaped: bool = False) -> bytes:
    name = b"/J#61vaScript" if escaped else b"/JavaScript"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /S " + name + b" /J#53 (app.alert(1)) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def windows_program() -> bytes:
    """The start of a Windows executable (MZ header, PE signature): a program, not a PDF."""
    header = bytearray(b"MZ" + b"\0" * 126)
    header[0x3C:0x40] = (128).to_bytes(4, "little")
    return bytes(header) + b"PE\0\0" + b"\x4c\x01" + b"\0" * 200


def zip_bomb() -> bytes:
    """A Word-shaped archive whose one part unpacks to 20 MB of zeros (ratio about 1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def eicar() -> bytes:
    return EICAR


def multipart(*, name: str, data: bytes, **fields: str) -> tuple[bytes, str]:
    """A multipart/form-data body sending the file's name exactly as given (Django's test
    client would strip a path from it, as a browser does)."""
    boundary = "wraparound-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
             f"{value}\r\n".encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
