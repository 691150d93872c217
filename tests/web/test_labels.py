"""Codes stored in the data are shown as labels in the user's language; numbers are grouped the
Indonesian way (2.048 KiB) in Indonesian."""

from django.utils import translation

from adminduk.audit import labels as audit_labels
from adminduk.processing import labels as processing_labels
from adminduk.processing.templatetags.processing_labels import check_label, slot_label
from adminduk.sync.templatetags.humanize_sync import kbit, kib


def test_sizes_and_speeds_are_grouped_in_the_users_language():
    with translation.override("id"):
        assert kib(2048 * 1024) == "2.048 KiB"
        assert kbit(250_000) == "2.000 kbit/s"
    with translation.override("en"):
        assert kib(2048 * 1024) == "2,048 KiB"


def test_pipeline_reasons_and_checks_read_as_words():
    with translation.override("id"):
        assert processing_labels.reason_label("unique") == "tidak ditemukan duplikat"
        assert check_label("biometric") == "biometrik mirip"
        assert processing_labels.reason_label("biometric, demographic") == "biometrik mirip; nama, tanggal lahir dan nama ibu mirip"
        assert processing_labels.reason_label("Foto buram, ulangi") == "Foto buram, ulangi"  # free text stays


def test_audit_roles_record_kinds_and_slots_read_as_words():
    with translation.override("id"):
        assert audit_labels.role_label("kecamatan_operator") != "kecamatan_operator"
        assert audit_labels.object_type_label("resident") == "penduduk"
        assert audit_labels.object_type_label("something_new") == "something_new"
        assert slot_label("signature") == "tanda tangan"
        assert slot_label("finger_R2") == str(translation.gettext("right index finger"))
