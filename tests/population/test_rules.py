"""NIK and KK number rules, wajib KTP and KIA eligibility (pure functions, no database)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adminduk.population import rules
from adminduk.population.choices import Citizenship, LifeStatus, MaritalStatus

VALID_MALE = "7271031708450003"  # Palu Selatan, 17-08-(19)45, man, serial 0003
VALID_FEMALE = "7271085708450001"  # Mantikulore, 17-08-(19)45, woman (17 + 40 = 57)


class TestNikParsing:
    def test_parses_a_man(self):
        parsed = rules.parse_nik(VALID_MALE)
        assert parsed.kecamatan_code == "72.71.03"
        assert parsed.province_code == "72" and parsed.regency_code == "72.71"
        assert (parsed.day, parsed.month, parsed.year_2d) == (17, 8, 45)
        assert parsed.sex == "L"
        assert parsed.serial == 3
        assert parsed.warnings == ()

    def test_woman_day_has_40_added(self):
        parsed = rules.parse_nik(VALID_FEMALE)
        assert parsed.sex == "P"
        assert parsed.day == 17
        assert parsed.date_candidates() == [dt.date(1945, 8, 17), dt.date(2045, 8, 17)]
        assert parsed.likely_date(dt.date(2026, 11, 24)) == dt.date(1945, 8, 17)

    def test_outer_whitespace_is_ignored(self):
        assert rules.parse_nik(f"  {VALID_MALE}\n").number == VALID_MALE

    @pytest.mark.parametrize(
        ("nik", "code", "message_part"),
        [
            ("", "empty", "empty"),
            ("727103170845000", "length", "exactly 16 digits; got 15"),
            ("72710317084500031", "length", "exactly 16 digits; got 17"),
            ("72710317084500O3", "non_digit", "found 'O' at position 15"),
            ("7271-03170845003", "non_digit", "found '-' at position 5"),
            ("7271 0317 0845 0003", "non_digit", "found ' ' at position 5"),
            ("７２７１０３１７０８４５０００３", "non_digit", "position 1"),  # full-width digits
            ("0071031708450003", "province_zero", "province code 00"),
            ("9971031708450003", "province_unknown", "province code 99"),
            ("2071031708450003", "province_unknown", "province code 20"),
            ("7271030008450003", "day_zero", "day 00"),
            ("7271034008450003", "day_zero", "day 40"),
            ("7271033208450003", "day_range", "day 32"),
            ("7271037208450003", "day_range", "day 72"),
            ("7271039908450003", "day_range", "day 99"),
            ("7271031700450003", "month", "month 00"),
            ("7271031713450003", "month", "month 13"),
            ("7271033102450003", "impossible_date", "day 31 of month 02"),
            ("7271037102450003", "impossible_date", "day 31 of month 02"),  # woman, 31 February
            ("7271033104900003", "impossible_date", "day 31 of month 04"),
            ("7271032902010003", "impossible_date", "day 29 of month 02"),  # 1901 and 2001 are common years
            ("7271031708450000", "serial_zero", "serial 0000"),
        ],
    )
    def test_invalid_nik_has_precise_reason(self, nik, code, message_part):
        with pytest.raises(rules.NumberError) as error:
            rules.parse_nik(nik)
        assert error.value.code == code
        assert message_part in error.value.message

    def test_non_text_is_rejected(self):
        with pytest.raises(rules.NumberError) as error:
            rules.parse_nik(7271031708450003)
        assert error.value.code == "not_text"

    def test_29_february_valid_when_either_century_is_leap(self):
        assert rules.parse_nik("7271032902000001").date_candidates() == [dt.date(2000, 2, 29)]
        assert len(rules.parse_nik("7271036902040001").date_candidates()) == 2  # 1904 and 2004

    def test_unknown_kecamatan_is_a_warning_not_an_error(self):
        parsed = rules.parse_nik("7271991708450003")
        assert any("72.71.99" in w for w in parsed.warnings)

    def test_unknown_regency_is_a_warning(self):
        parsed = rules.parse_nik("7299011708450003")
        assert any("72.99" in w for w in parsed.warnings)

    def test_historical_province_timor_timur_is_accepted(self):
        parsed = rules.parse_nik("5401011708750003")
        assert parsed.province_code == "54"
        assert parsed.warnings  # its regencies are no longer in the list

    def test_new_papua_province_is_accepted(self):
        assert rules.parse_nik("9301011708950003").province_code == "93"

    def test_registry_mismatch_is_a_warning(self):
        parsed = rules.parse_nik(VALID_MALE, registry_birth_date=dt.date(1945, 8, 18), registry_sex="P")
        assert len(parsed.warnings) == 2
        assert "170845" in parsed.warnings[0] and "18-08-1945" in parsed.warnings[0]

    def test_registry_match_has_no_warning(self):
        assert rules.parse_nik(VALID_FEMALE, registry_birth_date=dt.date(1945, 8, 17), registry_sex="P").warnings == ()

    def test_known_codes_can_be_supplied(self):
        parsed = rules.parse_nik(VALID_MALE, known_codes={"72", "72.71"})
        assert any("72.71.03" in w for w in parsed.warnings)


class TestNikConstruction:
    @given(
        born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 11, 24)),
        sex=st.sampled_from(["L", "P"]),
        serial=st.integers(min_value=1, max_value=9999),
        kecamatan=st.sampled_from(["72.71.01", "72.71.08", "11.01.01", "31.71.01", "96.01.01"]),
    )
    def test_built_nik_round_trips(self, born, sex, serial, kecamatan):
        nik = rules.with_serial(rules.nik_prefix(kecamatan, born, sex), serial)
        parsed = rules.parse_nik(nik, registry_birth_date=born, registry_sex=sex)
        assert parsed.kecamatan_code == kecamatan
        assert born in parsed.date_candidates()
        assert parsed.sex == sex and parsed.serial == serial
        assert parsed.warnings == ()

    @pytest.mark.parametrize("serial", [0, 10000, -1])
    def test_serial_out_of_range(self, serial):
        with pytest.raises(rules.NumberError):
            rules.with_serial("727103170845", serial)


class TestKkNumber:
    def test_valid_kk(self):
        parsed = rules.parse_kk_number("7271080102100001")
        assert parsed.kecamatan_code == "72.71.08"
        assert parsed.date_candidates()[0] == dt.date(1910, 2, 1)
        assert parsed.sex is None

    @pytest.mark.parametrize(
        ("number", "code"),
        [
            ("727108010210000", "length"),
            ("72710801021000X1", "non_digit"),
            ("0071080102100001", "province_zero"),
            ("9971080102100001", "province_unknown"),
            ("7271084102100001", "day_range"),  # a KK date has no +40
            ("7271080002100001", "day_range"),
            ("7271080113100001", "month"),
            ("7271083002100001", "impossible_date"),
            ("7271080102100000", "serial_zero"),
        ],
    )
    def test_invalid_kk(self, number, code):
        with pytest.raises(rules.NumberError) as error:
            rules.parse_kk_number(number)
        assert error.value.code == code

    def test_prefix_uses_issue_date(self):
        assert rules.kk_prefix("72.71.08", dt.date(2010, 2, 1)) == "727108010210"


class TestWajibKtp:
    BORN = dt.date(2009, 11, 24)

    def wajib(self, on, **kw):
        kw.setdefault("marital_status", MaritalStatus.BELUM_KAWIN)
        return rules.is_wajib_ktp(birth_date=kw.pop("birth_date", self.BORN), on=on, **kw)

    def test_day_before_17th_birthday(self):
        assert not self.wajib(dt.date(2026, 11, 23))

    def test_on_17th_birthday(self):
        assert self.wajib(dt.date(2026, 11, 24))

    def test_married_at_16(self):
        assert self.wajib(dt.date(2026, 1, 1), marital_status=MaritalStatus.KAWIN)

    @pytest.mark.parametrize("status", [MaritalStatus.CERAI_HIDUP, MaritalStatus.CERAI_MATI])
    def test_ever_married_under_17(self, status):
        assert self.wajib(dt.date(2026, 1, 1), marital_status=status)

    def test_born_29_february_turns_17_on_1_march(self):
        born = dt.date(2008, 2, 29)
        assert not self.wajib(dt.date(2025, 2, 28), birth_date=born)
        assert self.wajib(dt.date(2025, 3, 1), birth_date=born)

    def test_deceased_is_not_wajib_ktp(self):
        assert not self.wajib(dt.date(2030, 1, 1), life_status=LifeStatus.MATI)

    def test_foreigner_needs_kitap(self):
        assert not self.wajib(dt.date(2030, 1, 1), citizenship=Citizenship.WNA)
        assert self.wajib(dt.date(2030, 1, 1), citizenship=Citizenship.WNA, has_kitap=True)


class TestKia:
    BORN = dt.date(2015, 6, 10)

    def test_under_5_without_photo(self):
        kia = rules.kia_eligibility(birth_date=self.BORN, marital_status=MaritalStatus.BELUM_KAWIN, on=dt.date(2020, 6, 9))
        assert kia.band == "under_5" and not kia.photo_required
        assert kia.valid_until == dt.date(2020, 6, 10)

    def test_from_5th_birthday_with_photo_until_17(self):
        kia = rules.kia_eligibility(birth_date=self.BORN, marital_status=MaritalStatus.BELUM_KAWIN, on=dt.date(2020, 6, 10))
        assert kia.band == "5_to_17" and kia.photo_required
        assert kia.valid_until == dt.date(2032, 6, 10)

    def test_not_from_17th_birthday(self):
        assert rules.kia_eligibility(birth_date=self.BORN, marital_status=MaritalStatus.BELUM_KAWIN, on=dt.date(2032, 6, 10)) is None

    def test_married_child_gets_a_ktp_not_a_kia(self):
        assert rules.kia_eligibility(birth_date=self.BORN, marital_status=MaritalStatus.KAWIN, on=dt.date(2031, 1, 1)) is None

    def test_foreign_child_is_not_eligible(self):
        assert rules.kia_eligibility(birth_date=self.BORN, marital_status="belum_kawin", on=dt.date(2020, 1, 1), citizenship="WNA") is None


@given(st.text(max_size=20))
def test_parse_nik_never_crashes(value):
    try:
        rules.parse_nik(value)
    except rules.NumberError as error:
        assert error.message
