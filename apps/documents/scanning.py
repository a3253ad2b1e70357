"""Virus scanning, pluggable: ``DOCUMENT_SCANNER`` names a class with ``scan(stream)``.

* ``apps.documents.scanning.ClamdScanner`` (production): ClamAV's daemon over its socket,
  ``CLAMD_URL`` = ``unix:///run/clamav/clamd.ctl`` or ``tcp://clamav:3310``, using the clamd
  ``INSTREAM`` command (chunks prefixed by their length, ended by a zero-length chunk).
  Written here (about 40 lines) because the PyPI ``clamd`` client is unmaintained since 2017.
* ``apps.documents.scanning.EicarOnlyScanner`` (development and the demo only): flags the
  standard EICAR test file and nothing else. It is not an antivirus; production refuses it.
* unset: no scanner; every document stays held ("awaiting virus scan") and is never served.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO, Protocol
from urllib.parse import urlparse

from django.conf import settings
from django.utils.module_loading import import_string

EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """The scanner could not give an answer now: try again later."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


class Scanner(Protocol):
    def scan(self, stream: BinaryIO) -> ScanResult: ...


class ClamdScanner:
    def __init__(self, url: str | None = None, timeout: float | None = None) -> None:
        self.url = url or getattr(settings, "CLAMD_URL", "")
        self.timeout = timeout or float(getattr(settings, "CLAMD_TIMEOUT_SECONDS", 30))
        if not self.url:
            raise ScannerUnavailable("CLAMD_URL is not set")

    def _connect(self) -> socket.socket:
        parsed = urlparse(self.url)
        if parsed.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: object = parsed.path
        elif parsed.scheme == "tcp":
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (parsed.hostname, parsed.port or 3310)
        else:
            raise ScannerUnavailable("CLAMD_URL must start unix:// or tcp://")
        sock.settimeout(self.timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            raise ScannerUnavailable(f"cannot reach clamd ({type(exc).__name__})") from exc
        return sock

    def scan(self, stream: BinaryIO) -> ScanResult:
        sock = self._connect()
        try:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
        except OSError as exc:
            raise ScannerUnavailable(f"clamd did not answer ({type(exc).__name__})") from exc
        finally:
            sock.close()
        answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        # "stream: OK" | "stream: Eicar-Signature FOUND" | "INSTREAM size limit exceeded. ERROR"
        if answer.endswith(" OK"):
            return ScanResult(clean=True)
        if answer.endswith(" FOUND"):
            signature = answer.split(":", 1)[-1].removesuffix(" FOUND").strip()
            return ScanResult(clean=False, signature=signature[:200])
        raise ScannerUnavailable(f"clamd error: {answer[:150]}")


class EicarOnlyScanner:
    """Development and demo only: flags the EICAR test file, passes everything else."""

    def scan(self, stream: BinaryIO) -> ScanResult:
        data = stream.read()
        if EICAR in data:
            return ScanResult(clean=False, signature="Eicar-Test-Signature")
        return ScanResult(clean=True)


def get_scanner() -> Scanner | None:
    """The configured scanner, or None (documents stay held)."""
    path = getattr(settings, "DOCUMENT_SCANNER", "")
    if not path:
        return None
    return import_string(path)()
