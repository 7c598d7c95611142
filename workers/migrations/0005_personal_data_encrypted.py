"""ID numbers and phones encrypted at rest, ID numbers found by a keyed HMAC (issue 12).

Existing rows are encrypted in place, in batches, with the key the portal runs with; the
database's key-check row is written in the same migration, so a later start-up with another
key is refused (core.keys).
"""

from django.db import migrations, models

import core.crypto
import core.identity

BATCH = 2000


def _key_check(apps):
    KeyCheck = apps.get_model("core", "PersonalDataKeyCheck")
    if not KeyCheck.objects.exists():
        digest, token = core.crypto.key_check_values()
        KeyCheck.objects.create(digest=digest, token=token)


def encrypt_existing(apps, schema_editor):
    _key_check(apps)
    Worker = apps.get_model("workers", "Worker")
    table = Worker._meta.db_table
    id_context = ("%s.id_number" % table).encode()
    phone_context = ("%s.phone" % table).encode()
    connection = schema_editor.connection
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, id_number, phone FROM workers_worker WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates = []
            for pk, number, phone in rows:
                if not core.crypto.is_encrypted_text(number):
                    digest = core.crypto.blind_index(number)
                    number = core.crypto.encrypt_text(number, context=id_context)
                else:
                    digest = core.crypto.blind_index(
                        core.crypto.decrypt_text(number, context=id_context)
                    )
                if phone and not core.crypto.is_encrypted_text(phone):
                    phone = core.crypto.encrypt_text(phone, context=phone_context)
                updates.append((number, digest, phone or "", pk))
            cursor.executemany(
                "UPDATE workers_worker SET id_number = %s, id_number_digest = %s, phone = %s "
                "WHERE id = %s",
                updates,
            )
            last = rows[-1][0]


def decrypt_existing(apps, schema_editor):
    Worker = apps.get_model("workers", "Worker")
    table = Worker._meta.db_table
    id_context = ("%s.id_number" % table).encode()
    phone_context = ("%s.phone" % table).encode()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, id_number, phone FROM workers_worker")
        rows = cursor.fetchall()
        updates = []
        for pk, number, phone in rows:
            if core.crypto.is_encrypted_text(number):
                number = core.crypto.decrypt_text(number, context=id_context)
            if phone and core.crypto.is_encrypted_text(phone):
                phone = core.crypto.decrypt_text(phone, context=phone_context)
            updates.append((number, phone or "", pk))
        cursor.executemany(
            "UPDATE workers_worker SET id_number = %s, phone = %s WHERE id = %s", updates
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_personal_data_key_check"),
        ("workers", "0004_worker_view_full_id_number_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="id_number_digest",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="worker",
            name="id_number",
            field=core.crypto.EncryptedTextField(
                digest_field="id_number_digest",
                max_length=18,
                validators=[core.identity.validate_resident_id],
                verbose_name="身份证号",
            ),
        ),
        migrations.AlterField(
            model_name="worker",
            name="phone",
            field=core.crypto.EncryptedTextField(blank=True, max_length=30, verbose_name="手机号码"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.AlterField(
            model_name="worker",
            name="id_number_digest",
            field=core.crypto.DigestField(
                source="id_number", unique=True, verbose_name="身份证号摘要"
            ),
        ),
    ]
