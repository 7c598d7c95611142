"""Uploaded files encrypted at rest (issue 12): originals and staged rows hold personal data."""

import io
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from core.crypto import decrypt_bytes, encrypt_bytes


class _DecryptedFile(File):
    """The plain bytes of a stored file; reopening (FieldFile.open twice) reads it again."""

    def __init__(self, storage: "EncryptedFileSystemStorage", name: str) -> None:
        self._storage = storage
        self._stored_name = name
        super().__init__(io.BytesIO(storage.decrypted(name)), name=name)

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> "_DecryptedFile":
        if self.closed:
            self.file = io.BytesIO(self._storage.decrypted(self._stored_name))
        else:
            self.seek(0)
        return self


@deconstructible(path="core.storage.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    """MEDIA_ROOT storage whose files are AES-GCM encrypted; reading returns the plain bytes.

    Files are at most the 20 MB upload limit, so each is sealed as one message (its tag
    covers the whole file: a truncated or altered file does not open)."""

    def _save(self, name: str, content: Any) -> str:
        content.seek(0)
        sealed = ContentFile(encrypt_bytes(content.read()))
        return super()._save(name, sealed)  # type: ignore[misc]  # FileSystemStorage has it

    def _open(self, name: str, mode: str = "rb") -> File:
        return _DecryptedFile(self, name)

    def decrypted(self, name: str) -> bytes:
        with open(self.path(name), "rb") as stored:
            return decrypt_bytes(stored.read())

    def size(self, name: str) -> int:
        return len(self.decrypted(name))


encrypted_storage = EncryptedFileSystemStorage()
