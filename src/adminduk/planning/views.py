"""The planner page: the kab/kota's figures from adminduk's own data, editable costs, budget
and deadline, the plan (planner.plan, as the `plan` command) and the queue simulation of one
office. Thin: the work is in inputs, planner, simulation_inputs and simulation."""

import dataclasses

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from adminduk.accounts.access import staff_view
from adminduk.accounts.permissions import Permission
from adminduk.accounts.scoping import scope_of
from adminduk.offices.choices import EquipmentKind, EquipmentStatus
from adminduk.offices.models import Office
from adminduk.regions.models import Regency

from . import inputs, planner as planning, simulation, simulation_inputs
from .forms import PlanForm
from .model import Costs, Limits, PlanRequest
from .solver import SolverFailed

SIMULATED_DAYS = 30


@staff_view(Permission.PLAN)
@require_GET
def planner(request):
    if settings.ROLE == "node":
        # The registry and every office's equipment are at the central; a node holds one office.
        raise Http404(_("The planner is served by the Dinas, not by an office's node."))
    scope = scope_of(request.user)
    if not scope.is_kota_wide:
        raise PermissionDenied("the planner is for staff of the Dinas (the whole kab/kota)")
    regencies = list(Regency.objects.filter(code__in=sorted(scope.regency_codes)).order_by("code"))
    regency = next((r for r in regencies if r.code == request.GET.get("kota")), regencies[0] if regencies else None)
    if regency is None:
        raise PermissionDenied("no kab/kota in the user's jurisdiction")
    today = timezone.localdate()
    initial = PlanForm.initial_for(today)
    form = PlanForm(request.GET if "deadline" in request.GET else None, today=today, initial=initial)
    context = {"form": form, "regency": regency, "regencies": regencies, "today": today}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        data = None
    else:
        data = form.cleaned_data if form.is_bound else {**initial, "budget": None, "evening_cost_period": None}
    if data is not None:
        registry = inputs.from_registry(regency.code, data["start"], until=data["deadline"])
        plan_request = PlanRequest(
            kecamatan=registry.kecamatan,
            start=data["start"],
            deadline=data["deadline"],
            budget=data["budget"],
            costs=Costs(
                recording_set=data["set_cost"],
                printer=data["printer_cost"],
                evening_per_day=data["evening_cost"],
                evening_per_period=data["evening_cost_period"],
            ),
            limits=dataclasses.replace(
                Limits(), max_sets=data["max_sets"], max_printers=data["max_printers"], lead_days=data["lead_days"],
                evening_share=registry.evening_share,
            ),
            dinas_printers=registry.dinas_printers,
            blangko_stock=registry.blangko_stock,
            closed_days=registry.closed_days,
        )
        try:
            plan = planning.plan(plan_request, time_limit=20)
        except (planning.PlanningError, SolverFailed) as exc:
            context["error"] = str(exc)
            status = 400 if isinstance(exc, planning.PlanningError) else 503
        else:
            context["plan"] = plan
            context["rows"] = list(zip(registry.kecamatan, plan.kecamatan))
            context["cards_late"] = sum(k.cards_late for k in plan.kecamatan)
            context["evening_percent"] = round(100 * plan.limits.evening_share)
            context["spoilage_percent"] = round(100 * plan.limits.spoilage)
            context["registry"] = registry
    context.update(_simulation(request, regency))
    if context.get("simulation_error"):
        status = max(status, 400)
    return render(request, "planning/planner.html", context, status=status)


def _simulation(request, regency) -> dict:
    offices = list(
        Office.objects.filter(regency=regency, is_active=True, kind=Office.Kind.KECAMATAN, equipment__kind=EquipmentKind.RECORDING_SET, equipment__status=EquipmentStatus.ACTIVE)
        .distinct()
        .order_by("name")
    )
    if not offices:
        return {"sim_offices": []}
    code = request.GET.get("kantor")
    office = next((o for o in offices if o.code == code), None)
    if code and office is None:
        return {"sim_offices": offices, "simulation_error": _("%(code)s is not a kecamatan office with a recording set in %(kota)s.") % {"code": code, "kota": regency.name}}
    office = office or offices[0]
    comparison = simulation.compare(simulation_inputs.for_office(office), days=SIMULATED_DAYS)
    rows = [(_("Day hours only"), comparison.without_evening), (_("With evening service"), comparison.with_evening)]
    return {"sim_offices": offices, "sim_office": office, "comparison": comparison, "comparison_rows": rows}
