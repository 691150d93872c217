import dataclasses
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from adminduk.planning import csvinput, planner
from adminduk.planning.model import Costs, Limits, PlanRequest
from adminduk.planning.solver import SolverFailed
from adminduk.planning.text import ValueProblem, parse_date, parse_rupiah, plan_lines


class Command(BaseCommand):
    help = (
        "Plan recording sets, printers, evening service and blangko per kecamatan to record every wajib KTP by a "
        "deadline at least cost: `adminduk plan --input FILE.csv --deadline YYYY-MM-DD [--start YYYY-MM-DD] "
        "[--budget RP] [--json]`. CSV columns kode,nama,wajib_ktp,recorded,sets,printers,per_set_per_day "
        "(optional evening: 1 where the office already serves evenings). Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, metavar="FILE.csv")
        parser.add_argument("--deadline", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--start", metavar="YYYY-MM-DD", help="first day of the plan (default: today)")
        parser.add_argument("--budget", metavar="RP", help="rupiah, e.g. 2000000000 or 2.000.000.000 (default: no limit)")
        parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
        parser.add_argument("--dinas-printers", default="0", metavar="N", help="card printers at the Dinas, shared (default 0)")
        parser.add_argument("--max-sets", default=str(Limits.max_sets), metavar="N", help="recording sets an office has room for")
        parser.add_argument("--max-printers", default=str(Limits.max_printers), metavar="N", help="printers per kecamatan office")
        parser.add_argument("--lead-days", default="0", metavar="N", help="working days until new equipment is in service")
        parser.add_argument("--set-cost", default=str(Costs.recording_set), metavar="RP")
        parser.add_argument("--printer-cost", default=str(Costs.printer), metavar="RP")
        parser.add_argument("--evening-cost", default=str(Costs.evening_per_day), metavar="RP", help="an evening shift, per office and working day")
        parser.add_argument("--evening-cost-period", metavar="RP", help="evening service for the whole period, per office (instead of per day)")

    def handle(self, *args, **options):
        try:
            with translation.override("en"):  # the command speaks English (plan_lines); so do its errors
                request = self._request(options)
                result = planner.plan(request)
        except (csvinput.InputError, ValueProblem, planner.PlanningError, SolverFailed) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self.stdout.write("\n".join(plan_lines(result)))

    def _request(self, options) -> PlanRequest:
        today = timezone.localdate()
        deadline = parse_date(options["deadline"], "--deadline")
        start = parse_date(options["start"], "--start") if options["start"] else today
        if deadline < today:
            raise ValueProblem(f"--deadline: {deadline} is in the past (today is {today})")
        if deadline < start:
            raise ValueProblem(f"--deadline: {deadline} is before --start {start}")
        budget = parse_rupiah(options["budget"], "--budget") if options["budget"] is not None else None
        counts = {name: _count(options[name], "--" + name.replace("_", "-")) for name in ("dinas_printers", "max_sets", "max_printers", "lead_days")}
        limits = dataclasses.replace(Limits(), max_sets=counts["max_sets"], max_printers=counts["max_printers"], lead_days=counts["lead_days"])
        costs = Costs(
            recording_set=parse_rupiah(options["set_cost"], "--set-cost"),
            printer=parse_rupiah(options["printer_cost"], "--printer-cost"),
            evening_per_day=parse_rupiah(options["evening_cost"], "--evening-cost"),
            evening_per_period=(
                parse_rupiah(options["evening_cost_period"], "--evening-cost-period") if options["evening_cost_period"] is not None else None
            ),
        )
        rows = csvinput.read_csv_file(options["input"])
        return PlanRequest(rows, start, deadline, budget=budget, costs=costs, limits=limits, dinas_printers=counts["dinas_printers"])


def _count(text: str, what: str) -> int:
    if not str(text).isdigit():
        raise ValueProblem(f"{what}: {text!r} is not a whole number of 0 or more")
    value = int(text)
    if value > 1000:
        raise ValueProblem(f"{what}: {text} is too large")
    return value
