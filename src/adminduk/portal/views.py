"""Portal pages: thin, the work is in signin.py, sessions.py and queries.py."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from adminduk.accounts.throttle import client_address
from adminduk.audit.actions import record

from . import queries, sessions, signin
from .access import portal_public_view, resident_view
from .accounts import resident_account
from .forms import CodeForm, NikForm


@portal_public_view
@require_http_methods(["GET", "POST"])
def signin_page(request):
    """Step 1: the NIK. The answer never says whether the NIK is registered."""
    if request.portal_session is not None and request.method == "GET":
        return redirect("portal:home")
    form = NikForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "portal/signin.html", {"form": form}, status=400)
        nik = form.cleaned_data["nik"]
        try:
            signin.request_code(request, nik, client_address(request))
        except signin.Throttled as exc:
            return render(request, "portal/signin.html", {"form": form, "error": str(exc)}, status=429)
        return render(request, "portal/code.html", {"form": CodeForm(initial={"nik": nik}), "nik": nik, "sent": True})
    return render(request, "portal/signin.html", {"form": form})


@portal_public_view
@require_POST
def code_page(request):
    """Step 2: the code from the message; a right code starts a portal session."""
    form = CodeForm(request.POST)
    if not form.is_valid():
        nik = form.cleaned_data.get("nik") if form.cleaned_data else None
        if not nik:
            return redirect("portal:signin")
        return render(request, "portal/code.html", {"form": form, "nik": nik}, status=400)
    nik, code = form.cleaned_data["nik"], form.cleaned_data["code"]
    try:
        signed_in = signin.verify_code(request, nik, code, client_address(request))
    except signin.Throttled as exc:
        return render(request, "portal/code.html", {"form": CodeForm(initial={"nik": nik}), "nik": nik, "error": str(exc)}, status=429)
    except signin.WrongCode as exc:
        return render(request, "portal/code.html", {"form": CodeForm(initial={"nik": nik}), "nik": nik, "error": str(exc)}, status=400)
    account = resident_account(signed_in.resident)
    response = redirect("portal:home")
    sessions.start(request, response, signed_in.resident, account)
    record(request, "login", object_type="portal", object_id=nik, actor=account, details={"portal": True})
    return response


@resident_view
@require_http_methods(["GET"])
def home(request):
    overview = queries.overview(request, request.resident)
    return render(request, "portal/home.html", {"overview": overview, "steps": queries_steps()})


def queries_steps():
    from .statuses import step_labels

    return step_labels()


@resident_view
@require_POST
def signout(request):
    record(request, "logout", object_type="portal", object_id=request.resident.nik, details={"portal": True})
    response = redirect("portal:signin")
    sessions.end(request.portal_session, response)
    return response
