"""Resident accounts: a User with the `resident` role for each resident who signs in, so the
audit log names who read what (role "resident"). It has no password and no office: it can never
open a staff page, and it is only ever used through a portal session."""

from django.db import IntegrityError, transaction

from adminduk.accounts.models import User
from adminduk.accounts.permissions import Role
from adminduk.population.models import Resident


def username_for(nik: str) -> str:
    return f"warga-{nik}"


def resident_account(resident: Resident) -> User:
    """The resident's account, created on first use."""
    username = username_for(resident.nik)
    account = User.objects.filter(username=username).first()
    if account is not None:
        return account
    account = User(username=username, role=Role.RESIDENT, resident_nik=resident.nik, first_name=resident.full_name[:150])
    account.set_unusable_password()
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # created by a simultaneous sign-in
        return User.objects.get(username=username)
    return account
