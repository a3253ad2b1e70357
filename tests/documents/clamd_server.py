"""A real server on 127.0.0.1 (ephemeral port) that speaks ClamAV's clamd protocol for the
commands Wraparound uses (PING, INSTREAM with the z/n prefixes) and flags the standard EICAR
test string, as clamd does."""

from __future__ import annotations

import contextlib
import socketserver
import struct
import threading
from collections.abc import Iterator

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    def _read_exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = self.request.recv(size - len(data))
            if not part:
                raise ConnectionError("closed")
            data += part
        return data

    def handle(self) -> None:
        command = b""
        while not command.endswith((b"\0", b"\n")):
            part = self.request.recv(1)
            if not part:
                return
            command += part
        terminator = command[-1:]
        name = command[1:-1] if command[:1] in (b"z", b"n") else command[:-1]
        self.server.commands.append(name.decode())
        if name == b"PING":
            self.request.sendall(b"PONG" + terminator)
            return
        if name != b"INSTREAM":
            self.request.sendall(b"UNKNOWN COMMAND" + terminator)
            return
        data = b""
        while True:
            (size,) = struct.unpack("!L", self._read_exact(4))
            if size == 0:
                break
            data += self._read_exact(size)
        self.server.scanned.append(data)
        reply = b"stream: Eicar-Signature FOUND" if EICAR in data else b"stream: OK"
        self.request.sendall(reply + terminator)


class FakeClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.commands: list[str] = []
        self.scanned: list[bytes] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"tcp://{host}:{port}"


@contextlib.contextmanager
def running_clamd() -> Iterator[FakeClamd]:
    server = FakeClamd()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
