"""Access rules for the JSON API: session of verified staff with a named permission.

The API's default is `require(None)`, which refuses every operation that did not declare its
permission (deny by default, as for views).
"""

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth

from .access import is_verified_staff
from .permissions import Permission
from .scoping import authorize


class StaffPermissionAuth(SessionAuth):
    def __init__(self, permission: Permission | None):
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not user.is_authenticated:
            return None  # 401
        if not is_verified_staff(user):
            raise HttpError(403, "A staff account with a verified second factor is required.")
        if self.permission is None:
            raise HttpError(403, "This endpoint has not declared who may use it.")
        decision = authorize(user, self.permission)
        if not decision:
            from adminduk.audit.actions import record

            record(request, "denied", details={"permission": str(self.permission), "reason": decision.reason})
            raise HttpError(403, f"Not allowed: {decision.reason}.")
        return user


def require(permission: Permission | None) -> StaffPermissionAuth:
    return StaffPermissionAuth(permission)
