"""Fixtures of the recording tests: a certified operator of Mantikulore, a supervisor there,
and an adult resident of Tanamodindi."""

import pytest

MANTIKULORE = "72.71.08"


@pytest.fixture
def operator(make_staff):
    return make_staff("kecamatan_operator", offices=(MANTIKULORE,), certified=("recording",), username="operator.rekam")


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor", offices=(MANTIKULORE,), username="supervisor.rekam")


@pytest.fixture
def adult(make_resident):
    return make_resident(full_name="SITI RAHMAWATI", birth_date="1990-05-17", sex="P")


def capture_everything(session, operator, skip=()):
    from adminduk.enrollment import recording
    from adminduk.enrollment.slots import SLOTS

    outcomes = {}
    for slot in SLOTS:
        if slot.name not in skip:
            outcomes[slot.name] = recording.capture(session, slot.name, actor=operator)
            assert outcomes[slot.name].assessment.ok, (slot.name, outcomes[slot.name].assessment.problems)
    return outcomes


@pytest.fixture
def record_resident(operator):
    """Record `resident` from call to submit; returns (session, ktp_request, outcomes)."""
    from adminduk.enrollment import recording

    def run(resident, *, subject="", user=None):
        user = user or operator
        session = recording.start_session(resident.nik, user=user, device_subject=subject)
        recording.confirm_demographics(session, {}, actor=user)
        outcomes = capture_everything(session, user)
        ktp_request = recording.submit(session, actor=user)
        return session, ktp_request, outcomes

    return run
