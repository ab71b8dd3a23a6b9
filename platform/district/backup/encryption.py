"""The backup file's encryption: AES-256-GCM in the STREAM construction, under a key derived from
MASTER_KEY.

    file  = header || chunk*
    header = b"XINYUBAK" || version (1 byte) || salt (16 bytes) || nonce prefix (7 bytes)
    chunk = plaintext length (4 bytes, big-endian) || AES-GCM ciphertext and tag

Each file has its own key: shared.crypto.derive_key() (HKDF-SHA256 of MASTER_KEY) with the file's
random salt and a purpose label, as notices.secrets derives the public schema's key; there is no
second master key. Chunk i is sealed with the nonce prefix || i (4 bytes) || 1 if it is the last
chunk else 0, and the header as associated data. So a changed byte anywhere, chunks swapped, dropped
or added, or a file cut short all fail to decrypt, and so does a file made under another MASTER_KEY.
The plaintext never touches the disk: the writer and reader work chunk by chunk.
"""

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.crypto import derive_key

MAGIC = b"XINYUBAK"
VERSION = 1
SALT_BYTES = 16
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + PREFIX_BYTES
CHUNK_BYTES = 1024 * 1024
PURPOSE = b"xinyu/backup/v1"
_LENGTH = struct.Struct(">I")


class BackupError(Exception):
    """A backup that cannot be written or a file that cannot be restored. The message says why and
    what to do, and never carries anything read from the file."""


def _file_key(salt: bytes) -> AESGCM:
    return AESGCM(derive_key(PURPOSE, salt=salt, needed_for="backups cannot be made or read"))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 2**32:
        raise BackupError("The backup is too large for one file (more than 4 billion chunks)")
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class EncryptingWriter:
    """A binary file-like sink: write() plaintext, close() seals the last chunk and closes the file."""

    def __init__(self, raw):
        self._raw = raw
        salt = os.urandom(SALT_BYTES)
        self._prefix = os.urandom(PREFIX_BYTES)
        self._header = MAGIC + bytes([VERSION]) + salt + self._prefix
        self._aead = _file_key(salt)
        self._raw.write(self._header)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False

    def _seal(self, data: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, last), data, self._header)
        self._raw.write(_LENGTH.pack(len(data)) + sealed)
        self._index += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back, so that the last chunk is never empty unless the whole is.
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def close(self) -> None:
        if self._closed:
            return
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._closed = True
        self._raw.close()


class DecryptingReader:
    """Reads and authenticates a file made by EncryptingWriter; read(n) gives plaintext. Raises
    BackupError on the first chunk that does not decrypt, and at the end if the last chunk is missing."""

    def __init__(self, raw):
        self._raw = raw
        header = raw.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupError("This is not a Xinyu backup file (its first bytes are not a backup header)")
        if header[len(MAGIC)] != VERSION:
            raise BackupError(
                f"This backup file has encryption format {header[len(MAGIC)]}; this version of Xinyu reads "
                f"format {VERSION}"
            )
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_BYTES]
        self._prefix = header[-PREFIX_BYTES:]
        self._header = header
        self._aead = _file_key(salt)
        self._index = 0
        self._pending = bytearray()
        self._done = False
        self._next = self._read_sealed()

    def _read_sealed(self) -> bytes | None:
        length = self._raw.read(_LENGTH.size)
        if not length:
            return None
        if len(length) < _LENGTH.size:
            raise BackupError(self._damaged())
        (size,) = _LENGTH.unpack(length)
        if size > CHUNK_BYTES:
            raise BackupError(self._damaged())
        sealed = self._raw.read(size + 16)
        if len(sealed) != size + 16:
            raise BackupError(self._damaged())
        return sealed

    @staticmethod
    def _damaged() -> str:
        return (
            "The backup file does not decrypt: it was altered, damaged or cut short, or MASTER_KEY is not "
            "the one it was made with. Nothing was restored."
        )

    def _advance(self) -> None:
        sealed = self._next
        if sealed is None:
            raise BackupError(self._damaged())
        following = self._read_sealed()
        last = following is None
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, last), sealed, self._header)
        except InvalidTag:
            raise BackupError(self._damaged()) from None
        self._index += 1
        self._pending += plain
        self._next = following
        self._done = last

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._pending) < size):
            self._advance()
        if size < 0 or size >= len(self._pending):
            out = bytes(self._pending)
            self._pending.clear()
        else:
            out = bytes(self._pending[:size])
            del self._pending[:size]
        return out

    def close(self) -> None:
        self._raw.close()
