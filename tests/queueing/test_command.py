import pytest
from django.core.management import CommandError, call_command

from adminduk.queueing.models import Counter

pytestmark = pytest.mark.django_db


def test_add_and_list_counters(office, capsys):
    call_command("queue", "add-counter", "--office", office.code, "--name", "Loket 7", "--services", "perekaman,kk_akta")
    call_command("queue", "counters", "--office", office.code)
    assert "Loket 7: perekaman, kk_akta" in capsys.readouterr().out
    call_command("queue", "demo-counters", "--office", office.code)
    call_command("queue", "demo-counters", "--office", office.code)  # idempotent
    assert Counter.objects.filter(office=office).count() == 4


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--office", "tidak-ada", "--name", "X", "--services", "perekaman"], "No office with code"),
        (["--office", "palu-mantikulore", "--name", "X", "--services", "paspor"], "Unknown service"),
        (["--office", "palu-mantikulore", "--name", "", "--services", "perekaman"], "needs a name"),
    ],
)
def test_bad_arguments_are_one_clear_error(office, args, says):
    with pytest.raises(CommandError, match=says):
        call_command("queue", "add-counter", *args)
    assert not Counter.objects.exists()
