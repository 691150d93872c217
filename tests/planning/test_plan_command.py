"""`adminduk plan`: the table, the one JSON object, and one line naming the row and column for
every kind of bad input (no traceback, non-zero exit)."""

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from adminduk.planning import csvinput

from ..test_readme_commands import TRACEBACK, adminduk_script, clean_env
from .test_planner import PALEMBANG

HEADER = "kode,nama,wajib_ktp,recorded,sets,printers,per_set_per_day"
FUTURE = (dt.date.today() + dt.timedelta(days=200)).isoformat()


def write(tmp_path, text: str, name="input.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run_command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_json_is_one_object_with_the_documented_keys():
    data = json.loads(run_command("--input", str(PALEMBANG), "--deadline", FUTURE, "--json"))
    assert set(data) == {"feasible", "cost", "shortfall", "kecamatan"}
    assert len(data["kecamatan"]) == 16
    for row in data["kecamatan"]:
        assert set(row) == {"kode", "completion_date", "add_sets", "add_printers", "evening", "new_completion_date"}
        dt.date.fromisoformat(row["new_completion_date"])


def test_the_table_names_each_kecamatan_and_the_cost():
    text = run_command("--input", str(PALEMBANG), "--deadline", FUTURE, "--start", dt.date.today().isoformat())
    assert "Ilir Timur Dua" in text and "Cost of the plan: Rp " in text
    assert "working days" in text and "HiGHS" in text


def test_evening_service_priced_for_the_whole_period():
    rows = "kode,nama,wajib_ktp,recorded,sets,printers,per_set_per_day\n72.71.01,Palu Timur,30000,0,2,5,100\n"
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write(rows)
    start = dt.date(2030, 1, 7)
    from adminduk.planning.calendar import WorkingCalendar

    deadline = WorkingCalendar(start).nth(100).isoformat()
    args = ["--input", f.name, "--start", start.isoformat(), "--deadline", deadline, "--json"]
    cheap = json.loads(run_command(*args, "--evening-cost-period", "10.000.000"))
    assert cheap["kecamatan"][0]["evening"] is True and cheap["cost"] == 10_000_000
    dear = json.loads(run_command(*args, "--evening-cost-period", "1.000.000.000"))
    assert dear["kecamatan"][0]["evening"] is False and dear["cost"] == 150_000_000
    Path(f.name).unlink()


def test_a_small_budget_says_how_much_is_missing():
    text = run_command("--input", str(PALEMBANG), "--deadline", FUTURE, "--budget", "Rp 100.000.000")
    assert "short; the budget would need to be Rp " in text
    data = json.loads(run_command("--input", str(PALEMBANG), "--deadline", FUTURE, "--budget", "100000000", "--json"))
    assert data["feasible"] is False and data["shortfall"] > 0 and data["cost"] <= 100_000_000


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("kode,nama,wajib_ktp,recorded,sets,printers\n16.71.01,A,10,1,1,0\n", "row 1 (header): missing column per_set_per_day"),
        (f"{HEADER}\n16.71.01,A,100,5,-1,0,190\n", "row 2, column sets: -1 is negative"),
        (f"{HEADER}\n16.71.01,A,100,5,1,0,190\n16.71.02,B,banyak,5,1,0,190\n", "row 3, column wajib_ktp: 'banyak' is not a whole number"),
        (f"{HEADER}\n16.71.01,A,100,500,1,0,190\n", "row 2, column recorded: 500 recorded is more than 100 wajib KTP"),
        (f"{HEADER}\n16.71.01,A,100,5,1,0,0\n", "row 2, column per_set_per_day: must be more than 0"),
        (f"{HEADER}\n16.71.01,A,100,5,1,0,cepat\n", "row 2, column per_set_per_day: 'cepat' is not a number"),
        (f"{HEADER}\n1671,A,100,5,1,0,190\n", "row 2, column kode: '1671' is not a kecamatan code"),
        (f"{HEADER}\n16.71.01,A,100,5,1,0,190\n16.71.01,B,100,5,1,0,190\n", "row 3, column kode: 16.71.01 is already on row 2"),
        (f"{HEADER}\n16.71.01,A,100,5,1,0\n", "row 2: 6 values for 7 columns"),
        (f"{HEADER},evening\n16.71.01,A,100,5,1,0,190,ya\n", "row 2, column evening: 'ya' must be 1"),
        (f"{HEADER}\n", "no kecamatan after the header line"),
        ("", "empty file"),
    ],
)
def test_bad_csv_names_the_row_and_column(tmp_path, content, says):
    path = write(tmp_path, content)
    with pytest.raises(csvinput.InputError) as caught:
        csvinput.read_csv_file(path)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
    with pytest.raises(CommandError, match="^" + str(path).replace(".", r"\.")):
        run_command("--input", str(path), "--deadline", FUTURE)


def test_binary_and_missing_files_are_one_line(tmp_path):
    binary = tmp_path / "foto.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    for path, says in [(binary, "not a UTF-8 text CSV file"), (tmp_path / "nowhere.csv", "no such file"), (tmp_path, "is a directory")]:
        with pytest.raises(csvinput.InputError, match=says):
            csvinput.read_csv_file(path)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--deadline", "2020-01-31"], "--deadline: 2020-01-31 is in the past"),
        (["--deadline", "31-12-2027"], "--deadline: '31-12-2027' is not a date like"),
        (["--deadline", "2027-02-30"], "--deadline: 2027-02-30 is not a real date"),
        (["--deadline", FUTURE, "--start", "2099-01-01"], "is before --start 2099-01-01"),
        (["--deadline", FUTURE, "--budget", "dua miliar"], "--budget: 'dua miliar' is not an amount in rupiah"),
        (["--deadline", FUTURE, "--budget", "-5"], "--budget: -5 is negative"),
        (["--deadline", FUTURE, "--max-sets", "x"], "--max-sets: 'x' is not a whole number"),
    ],
)
def test_bad_arguments_are_one_line(args, says):
    with pytest.raises(CommandError, match=says):
        run_command("--input", str(PALEMBANG), *args)


def test_as_a_process_bad_input_is_one_line_and_needs_no_configuration(tmp_path):
    path = write(tmp_path, f"{HEADER}\n16.71.01,A,100,5,-1,0,190\n")
    result = subprocess.run(
        [*adminduk_script(), "plan", "--input", str(path), "--deadline", FUTURE],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert TRACEBACK not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "row 2, column sets: -1 is negative" in lines[0], result.stderr
    good = subprocess.run(
        [*adminduk_script(), "plan", "--input", str(PALEMBANG), "--deadline", FUTURE, "--json"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=120,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["kecamatan"][0]["kode"] == "16.71.01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.csv"]  # no ./var left behind
