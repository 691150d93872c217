"""Fixtures for civil applications: synthetic scans (an image drawn by Pillow, a PDF written by
pypdf) and a family in Tanamodindi, as tests/conftest.py makes it."""

import datetime as dt
import io

import pytest

from adminduk.civil import actions, requirements
from adminduk.civil.choices import Channel
from adminduk.civil.forms import FORMS, jsonable


def png_bytes(size=(120, 160), color=(200, 180, 150)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(*, javascript: bool = False, open_action: bool = False) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        script = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}))
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), script])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    if open_action:
        action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def form_data(kind: str, data: dict) -> dict:
    form = FORMS[kind](data=data)
    assert form.is_valid(), form.errors
    return jsonable(form.cleaned_data)


@pytest.fixture
def office(make_office):
    return make_office("72.71.08")


@pytest.fixture
def verifier(make_staff):
    return make_staff("verifier", offices=("dinas",))


@pytest.fixture
def apply(office):
    """apply(kind, data, docs=True) → a submitted application with every required document."""

    def make(kind, data, *, docs=True, actor=None, photo=False):
        application = actions.submit(kind, form_data(kind, data), office=office, channel=Channel.COUNTER, actor=actor)
        if docs:
            for requirement in actions.missing_documents(application):
                content = png_bytes() if requirement in requirements.IMAGE_ONLY else pdf_bytes()
                actions.add_document(application, requirement, content, f"{requirement}.{'png' if requirement in requirements.IMAGE_ONLY else 'pdf'}", actor=actor)
        application.refresh_from_db()
        return application

    return make


@pytest.fixture
def witnesses(make_resident):
    return [make_resident(full_name="SAKSI SATU", sex="L", birth_date="1975-01-01"), make_resident(full_name="SAKSI DUA", sex="L", birth_date="1976-02-02")]


def birth_data(family, witnesses, **overrides):
    data = {
        "applicant_nik": family["head"].nik, "kk_number": family["family"].kk_number, "child_name": "Putri Santoso", "child_sex": "P",
        "birth_date": (dt.date.today() - dt.timedelta(days=10)).isoformat(), "birth_place": "Palu", "relationship": "4",
        "mother_nik": family["wife"].nik, "father_nik": family["head"].nik, "marriage_date": "2005-06-01",
        "witness1_nik": witnesses[0].nik, "witness1_name": witnesses[0].full_name, "witness2_nik": witnesses[1].nik, "witness2_name": witnesses[1].full_name,
    }
    return data | overrides
