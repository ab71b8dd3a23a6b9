"""What is inside the encryption: a compressed stream of records, the manifest last.

    record = kind (1 byte) || length (4 bytes, big-endian) || body
    kinds:   S  a piece of the pg_dump script (at most 1 MiB)
             F  a stored file: JSON header length (4 bytes) || {"name": ...} || the file's bytes
             M  the manifest (JSON), always the last record

The manifest carries the SHA-256 of every record before it, so a restore checks the whole payload
against it (after AES-GCM has authenticated each chunk) before it touches the database.
"""

import hashlib
import json
import struct
import zlib
from collections.abc import Iterator

from district.backup.encryption import BackupError, DecryptingReader, EncryptingWriter

FORMAT = "xinyu-backup"
FORMAT_VERSION = 1
SQL_PIECE = 1024 * 1024
_HEAD = struct.Struct(">cI")
_JSON_LEN = struct.Struct(">I")


class RecordWriter:
    def __init__(self, raw):
        self._out = EncryptingWriter(raw)
        self._zip = zlib.compressobj(6)
        self._digest = hashlib.sha256()
        self.payload_bytes = 0

    def _emit(self, data: bytes) -> None:
        self._out.write(self._zip.compress(data))

    def _record(self, kind: bytes, body: bytes, *, hashed: bool = True) -> None:
        head = _HEAD.pack(kind, len(body))
        if hashed:
            self._digest.update(head)
            self._digest.update(body)
            self.payload_bytes += len(head) + len(body)
        self._emit(head)
        self._emit(body)

    def sql(self, data: bytes) -> None:
        for start in range(0, len(data), SQL_PIECE):
            self._record(b"S", data[start : start + SQL_PIECE])

    def file(self, name: str, content: bytes) -> None:
        header = json.dumps({"name": name}).encode()
        self._record(b"F", _JSON_LEN.pack(len(header)) + header + content)

    def finish(self, manifest: dict) -> dict:
        """Write the manifest (with the payload's checksum) and close the file."""
        manifest = dict(manifest, format=FORMAT, format_version=FORMAT_VERSION)
        manifest["payload"] = {"sha256": self._digest.hexdigest(), "bytes": self.payload_bytes}
        self._record(b"M", json.dumps(manifest, ensure_ascii=False).encode(), hashed=False)
        self._out.write(self._zip.flush())
        self._out.close()
        return manifest


def _records(path) -> Iterator[tuple[bytes, bytes, "hashlib._Hash"]]:
    """(kind, body, running digest before this record) for each record of the file."""
    with open(path, "rb") as raw:
        reader = DecryptingReader(raw)
        unzip = zlib.decompressobj()
        buffer = bytearray()
        digest = hashlib.sha256()
        ended = False

        def fill(need: int) -> bool:
            nonlocal ended
            while len(buffer) < need and not ended:
                piece = reader.read(256 * 1024)
                if not piece:
                    ended = True
                    try:
                        buffer.extend(unzip.flush())
                    except zlib.error:
                        raise BackupError(_corrupt()) from None
                    break
                try:
                    buffer.extend(unzip.decompress(piece))
                except zlib.error:
                    raise BackupError(_corrupt()) from None
            return len(buffer) >= need

        while True:
            if not fill(_HEAD.size):
                if buffer:
                    raise BackupError(_corrupt())
                return
            kind, length = _HEAD.unpack(bytes(buffer[: _HEAD.size]))
            if not fill(_HEAD.size + length):
                raise BackupError(_corrupt())
            head = bytes(buffer[: _HEAD.size])
            body = bytes(buffer[_HEAD.size : _HEAD.size + length])
            del buffer[: _HEAD.size + length]
            yield kind, body, digest
            digest.update(head)
            digest.update(body)


def _corrupt() -> str:
    return "The backup file decrypts but its contents are not a backup payload. Nothing was restored."


def verify(path) -> dict:
    """Read the whole file: every chunk authenticated, the payload's checksum compared with the
    manifest's. Returns the manifest; raises BackupError with a clear message otherwise."""
    manifest = None
    for kind, body, digest in _records(path):
        if manifest is not None:
            raise BackupError(_corrupt())
        if kind == b"M":
            try:
                manifest = json.loads(body)
            except ValueError:
                raise BackupError(_corrupt()) from None
            if manifest.get("format") != FORMAT:
                raise BackupError(_corrupt())
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"This backup has format version {manifest.get('format_version')}; this version of "
                    f"Xinyu restores version {FORMAT_VERSION}"
                )
            if digest.hexdigest() != manifest.get("payload", {}).get("sha256"):
                raise BackupError(
                    "The backup's checksum does not match its manifest: the file is damaged. Nothing was "
                    "restored."
                )
        elif kind not in (b"S", b"F"):
            raise BackupError(_corrupt())
    if manifest is None:
        raise BackupError(_corrupt())
    return manifest


class Payload:
    """The records of a verified file, read again for the restore (each chunk is authenticated again)."""

    def __init__(self, path):
        self.path = path

    def sql_bytes(self) -> Iterator[bytes]:
        for kind, body, _digest in _records(self.path):
            if kind == b"S":
                yield body

    def files(self) -> Iterator[tuple[str, bytes]]:
        for kind, body, _digest in _records(self.path):
            if kind == b"F":
                (size,) = _JSON_LEN.unpack(body[: _JSON_LEN.size])
                header = json.loads(body[_JSON_LEN.size : _JSON_LEN.size + size])
                yield header["name"], body[_JSON_LEN.size + size :]
