"""Demo seeding for card printing: blangko at the Dinas, and Kantor Camat Mantikulore (the demo
node's office) equipped to print its own residents' cards: a card printer, blangko and a small
daily quota, so the first cards of the day print at the kecamatan and the rest at the Dinas."""

from adminduk.offices import actions as office_actions
from adminduk.offices.choices import EquipmentKind, EquipmentStatus
from adminduk.offices.models import Office

from .actions import routing, stock
from .models import BlangkoMovement

DINAS_BLANGKO = 500
KECAMATAN_OFFICE = "palu-mantikulore"
KECAMATAN_BLANGKO = 40
KECAMATAN_QUOTA = 2


def seed_printing(dinas_code: str = "palu-dinas") -> None:
    """Idempotent: an office that already has blangko movements keeps its ledger."""
    dinas = Office.objects.get(code=dinas_code)
    if not BlangkoMovement.objects.filter(office=dinas).exists():
        stock.receive(dinas, DINAS_BLANGKO, batch_number="DEMO-DJ-2026-11", serial_from="0000001", serial_to=f"{DINAS_BLANGKO:07d}", note="Demo")
    office = Office.objects.filter(code=KECAMATAN_OFFICE).first()
    if office is None:
        return
    if not office.equipment.filter(kind=EquipmentKind.CARD_PRINTER, status=EquipmentStatus.ACTIVE).exists():
        office_actions.add_equipment(office, EquipmentKind.CARD_PRINTER, f"DEMO-{office.code.upper()}-CP-PRINT", label="Printer kartu", reason="Demo")
    if not BlangkoMovement.objects.filter(office=office).exists():
        stock.transfer(dinas, office, KECAMATAN_BLANGKO, note="Demo: blangko untuk kecamatan")
        routing.set_quota(office, KECAMATAN_QUOTA)
