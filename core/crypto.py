"""Personal data at rest: AES-GCM encryption and a keyed HMAC "blind index" (issue 12).

ID numbers and phones are stored encrypted (`EncryptedTextField`); an ID number is found and
kept unique by `blind_index`, an HMAC-SHA256 of its normalised form under a secret key. A plain
hash would not do: there are only about 10^11 valid ID numbers, so anyone holding the database
could hash them all. Uploaded originals and staged rows are encrypted as whole files
(`encrypt_bytes`, used by `core.storage.EncryptedFileSystemStorage`).

Both keys are derived (HKDF-SHA256) from one secret, settings.PERSONAL_DATA_KEY. A missing key
stops the settings module; a key that does not match the data stops start-up (`key_check`):
the portal never runs on a key that would write data nobody can read back.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import os
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import Lookup

# Text values: "e1:" + base64(nonce ‖ ciphertext ‖ tag). Files: magic ‖ nonce ‖ ciphertext ‖ tag.
_TEXT_PREFIX = "e1:"
FILE_MAGIC = b"SHPD1\n"
_NONCE_BYTES = 12
_NONCES_PER_DRAW = 4096
MINIMUM_KEY_BYTES = 32


class DecryptionError(Exception):
    """The stored value was not written with this key, or has been tampered with."""


def _secret() -> str:
    key = getattr(settings, "PERSONAL_DATA_KEY", "")
    if not key:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY is not set: personal data cannot be read.")
    if len(key.encode()) < MINIMUM_KEY_BYTES:
        raise ImproperlyConfigured(
            "PERSONAL_DATA_KEY must be at least %d characters long." % MINIMUM_KEY_BYTES
        )
    return key


@functools.cache
def _keys_for(secret: str) -> tuple[AESGCM, bytes]:
    """(cipher, index key), derived once per secret: a roster seals and indexes 10^5 values."""

    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
            secret.encode()
        )

    return (
        AESGCM(derive(b"shanhu-portal personal data encryption v1")),
        derive(b"shanhu-portal personal data blind index v1"),
    )


def _cipher() -> AESGCM:
    return _keys_for(_secret())[0]


def _index_key() -> bytes:
    return _keys_for(_secret())[1]


def blind_index(value: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a normalised value: equal values, equal digests."""
    normalised = str(value).strip().upper()
    return hmac.digest(_index_key(), normalised.encode(), "sha256").hex()


def blind_indexer() -> Callable[[str], str]:
    """blind_index with the key looked up once, for a file's 10^5 values: one keyed HMAC
    copied for each value (the key's pads are hashed once, not once per value)."""
    keyed = hmac.new(_index_key(), digestmod="sha256")
    fresh = keyed.copy

    def index(value: str) -> str:
        mac = fresh()
        mac.update(str(value).strip().upper().encode())
        return mac.hexdigest()

    return index


def encrypt_text(value: str, *, context: bytes = b"") -> str:
    """AES-GCM with a fresh nonce; `context` (the column) is bound as associated data, so a
    value copied into another column does not decrypt."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher().encrypt(nonce, value.encode(), context)
    return _TEXT_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt_text(token: str, *, context: bytes = b"") -> str:
    if not token.startswith(_TEXT_PREFIX):
        raise DecryptionError("not an encrypted value")
    try:
        data = base64.b64decode(token[len(_TEXT_PREFIX) :], validate=True)
        plain = _cipher().decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], context)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("wrong key or damaged value") from exc
    return plain.decode()


def is_encrypted_text(value: str) -> bool:
    return value.startswith(_TEXT_PREFIX)


def encrypt_bytes(content: bytes, *, context: bytes = b"file") -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return FILE_MAGIC + nonce + _cipher().encrypt(nonce, content, context)


def decrypt_bytes(content: bytes, *, context: bytes = b"file") -> bytes:
    """Files written before encryption (no magic) are returned as they are."""
    if not content.startswith(FILE_MAGIC):
        return content
    body = content[len(FILE_MAGIC) :]
    try:
        return _cipher().decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], context)
    except InvalidTag as exc:
        raise DecryptionError("wrong key or damaged file") from exc


# --- model fields -------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text stored encrypted. Only equality can be asked of it, and only when a `DigestField`
    indexes it (`digest_field`): `filter(id_number=…)` and `id_number__in=[…]` compare HMAC
    digests. Prefix, range and pattern lookups are refused (FieldError): on ciphertext they
    would be meaningless, and on a digest they would be an oracle. Blank stays blank, so
    "has a phone" remains answerable."""

    def __init__(self, *args: Any, digest_field: str = "", **kwargs: Any) -> None:
        self.digest_field = digest_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.digest_field:
            kwargs["digest_field"] = self.digest_field
        return name, path, args, kwargs

    def _context(self) -> bytes:
        return ("%s.%s" % (self.model._meta.db_table, self.column)).encode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt_text(value, context=self._context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_encrypted_text(value):
            return value
        return encrypt_text(value, context=self._context())

    def raw_value(self, value: Any) -> Any:
        """The stored form of a Python value, for writers below the ORM (imports.bulk)."""
        return self.get_prep_value(value)

    def sealer(self) -> Callable[[Any], Any]:
        """raw_value with the cipher and the column's context looked up once: a roster seals
        2 × 10^5 values. The same stored form (a fresh nonce each)."""
        encrypt = _cipher().encrypt
        context = self._context()
        urandom, b2a_base64 = os.urandom, binascii.b2a_base64
        # Fresh random nonces drawn from the OS a few thousand at a time (one system call
        # each, not one per value); every value still gets its own 96 random bits.
        pool, used = b"", 0

        def seal(value: Any) -> Any:
            nonlocal pool, used
            if type(value) is not str:
                value = models.TextField.get_prep_value(self, value)
            if value is None or value == "" or value.startswith(_TEXT_PREFIX):
                return value
            if used == len(pool):
                pool, used = urandom(_NONCE_BYTES * _NONCES_PER_DRAW), 0
            nonce = pool[used : used + _NONCE_BYTES]
            used += _NONCE_BYTES
            sealed = encrypt(nonce, value.encode(), context)
            return _TEXT_PREFIX + b2a_base64(nonce + sealed, newline=False).decode("ascii")

        return seal

    def opener(self) -> Callable[[Any], Any]:
        """from_db_value with the cipher and the column's context looked up once: a roster's
        re-upload reads 10^5 stored phones back."""
        decrypt = _cipher().decrypt
        context = self._context()
        b64decode = base64.b64decode
        start = len(_TEXT_PREFIX)

        def open_value(value: Any) -> Any:
            if value is None or value == "":
                return value
            if not value.startswith(_TEXT_PREFIX):
                raise DecryptionError("not an encrypted value")
            try:
                data = b64decode(value[start:], validate=True)
                plain = decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], context)
            except (InvalidTag, ValueError) as exc:
                raise DecryptionError("wrong key or damaged value") from exc
            return plain.decode()

        return open_value

    def formfield(
        self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any
    ) -> Any:
        # A one-line input, not the textarea of a TextField.
        from django import forms

        return models.Field.formfield(
            self,
            form_class=form_class or forms.CharField,
            choices_form_class=choices_form_class,
            **kwargs,
        )

    def get_lookup(self, lookup_name: str) -> Any:
        # The digest is of the upper-cased value, so iexact (the admin's "=field" search) is
        # exact too.
        if lookup_name in ("exact", "iexact") and self.digest_field:
            return DigestExact
        if lookup_name == "in" and self.digest_field:
            return DigestIn
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class DigestField(models.CharField):
    """The blind index of another field of the same row, computed on every save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.source)
        digest = blind_index(value) if value else None
        setattr(model_instance, self.attname, digest)
        return digest


def _digest_column(lookup: Lookup, compiler: Any) -> tuple[str, list[Any]]:
    field = lookup.lhs.output_field
    digest = field.model._meta.get_field(field.digest_field)
    return compiler.compile(digest.get_col(lookup.lhs.alias))


def _plain(value: Any) -> str:
    if hasattr(value, "resolve_expression"):
        raise FieldError("encrypted fields can only be compared with plain values")
    return str(value)


class DigestExact(Lookup):
    lookup_name = "exact"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = _digest_column(self, compiler)
        return "%s = %%s" % sql, [*params, blind_index(_plain(self.rhs))]


class DigestIn(Lookup):
    lookup_name = "in"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if hasattr(self.rhs, "resolve_expression"):  # a subquery: look up the digest column
            raise FieldError("encrypted fields can only be compared with plain values")
        values = sorted({blind_index(_plain(v)) for v in self.rhs if v is not None})
        if not values:
            raise EmptyResultSet
        sql, params = _digest_column(self, compiler)
        return "%s IN (%s)" % (sql, ", ".join(["%s"] * len(values))), [*params, *values]


# --- start-up check -------------------------------------------------------------------------

_CHECK_MARKER = "剡湖街道 personal data key check"


def key_check_values() -> tuple[str, str]:
    """(digest, token) written once per database and checked at every start-up."""
    return blind_index(_CHECK_MARKER), encrypt_text(_CHECK_MARKER, context=b"key-check")


def key_matches(digest: str, token: str) -> bool:
    if not hmac.compare_digest(digest, blind_index(_CHECK_MARKER)):
        return False
    try:
        return decrypt_text(token, context=b"key-check") == _CHECK_MARKER
    except DecryptionError:
        return False
