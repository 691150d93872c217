"""The demo seeds a kecamatan that can print (printer, blangko, quota) and the `printer`
account works at the Dinas and at that office."""

import pytest

from adminduk.accounts.models import User
from adminduk.core.demo import ensure_demo_accounts
from adminduk.offices.demo import create_demo_offices
from adminduk.offices.models import Office
from adminduk.printing.actions import routing, stock
from adminduk.printing.demo import seed_printing

pytestmark = pytest.mark.django_db


def test_demo_printing_seed_is_idempotent_and_lets_mantikulore_print(palu_regions):
    create_demo_offices("72.71")
    ensure_demo_accounts()
    seed_printing()
    seed_printing()
    dinas, mantikulore = Office.objects.get(code="palu-dinas"), Office.objects.get(code="palu-mantikulore")
    assert (stock.on_hand(dinas), stock.on_hand(mantikulore)) == (460, 40)
    assert routing.can_print_at(mantikulore) == (True, "printer, blangko, certified operator and quota")
    printer = User.objects.get(username="printer")
    assert set(printer.assignments.values_list("office__code", flat=True)) == {"palu-dinas", "palu-mantikulore"}
