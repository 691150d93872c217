"""The card-printer adapter interface (like the capture-device adapters): a vendor's printer
SDK personalises the chip and prints the face, and says how it went. The simulator stands in
for a real printer in the demo and tests and fails now and then, as real ones do."""

import abc
import hashlib
import random
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from .choices import SpoilageReason


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    chip_serial: str = ""  # the chip's serial, printed on the card (its scannable code)
    spoilage_reason: str = ""  # SpoilageReason when not ok
    message: str = ""
    chip: dict | None = None  # what was written to the chip (applet, template slots)


class CardPrinter(abc.ABC):
    simulated = False

    @abc.abstractmethod
    def print_card(self, job, *, attempt: int) -> PrintResult:
        """Personalise the chip with the job's data and print its face on one blank."""

    def describe(self) -> str:
        return type(self).__name__


class SimulatedCardPrinter(CardPrinter):
    """Fails with probability `failure_rate` (ADMINDUK_PRINTER_FAILURE_RATE, default 0.03),
    decided from the job and attempt so a test or demo run repeats exactly."""

    simulated = True

    def __init__(self, failure_rate: float | None = None):
        rate = getattr(settings, "ADMINDUK_PRINTER_FAILURE_RATE", 0.03) if failure_rate is None else failure_rate
        self.failure_rate = float(rate)

    def print_card(self, job, *, attempt: int) -> PrintResult:
        seed = hashlib.sha256(f"{job.pk}:{attempt}".encode()).digest()
        rng = random.Random(seed)
        if rng.random() < self.failure_rate:
            reason = rng.choice([SpoilageReason.CHIP_FAILURE, SpoilageReason.MISPRINT])
            return PrintResult(False, spoilage_reason=reason, message=f"simulated {reason}")
        serial = "SIM" + seed.hex()[:13].upper()
        return PrintResult(True, chip_serial=serial, chip={"applet": "KTP-el", "fingers": sorted(job.chip_templates)}, message="ok")


_printer = None


def get_printer() -> CardPrinter:
    global _printer
    if _printer is None:
        path = getattr(settings, "ADMINDUK_CARD_PRINTER", "adminduk.printing.printers.SimulatedCardPrinter")
        _printer = import_string(path)()
    return _printer


def reset_printer(printer: CardPrinter | None = None) -> None:
    global _printer
    _printer = printer
