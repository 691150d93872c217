from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adminduk.core.models import AppendOnlyModel

from .purposes import Purpose


# Roles an entry's actor has when no staff member acted: a resident in the portal, or nobody (a
# task, a node's sync). Sorted: the partial indexes' condition must read the same everywhere.
NON_STAFF_ROLES = ["", "resident"]


class AuditEntry(AppendOnlyModel):
    """One read or write of personal data. Append-only: the model refuses updates and deletes,
    and database triggers (migration 0002) refuse them for other clients too. Tamper-evident:
    each entry carries the hash of the one before it (audit.chain); write only through
    audit.actions.record."""

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        SEARCH = "search", _("search")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        EXPORT = "export", _("export")
        DENIED = "denied", _("access denied")
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        DELETE = "delete", _("delete")

    id = models.BigAutoField(primary_key=True)
    # Set before the insert (not auto_now_add), so the entry's hash covers the stored time.
    at = models.DateTimeField(_("server time"), default=timezone.now, db_index=True)
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    # Kept as text too, so an entry still says who acted after the account is renamed.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    office = models.ForeignKey(
        "offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    station = models.ForeignKey(
        "accounts.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("station")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("record type"), max_length=40, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    kecamatan_code = models.CharField(_("kecamatan of the record"), max_length=8, blank=True, db_index=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Whose personal data the entry is about (audit.subjects fills them at write time), so a
    # resident's data tracker is an index lookup. Nullable (not blank strings) so that adding
    # them kept the table and its triggers (SQLite adds a nullable column in place) and so the
    # hash of an entry written before they existed is unchanged (audit.chain leaves a None out).
    subject_nik = models.CharField(_("NIK concerned"), max_length=16, null=True, blank=True)
    subject_kk = models.CharField(_("KK number concerned"), max_length=16, null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=24, null=True, blank=True, choices=Purpose.choices)
    # The hash chain (audit.chain): position, the previous entry's hash, this entry's hash.
    seq = models.BigIntegerField(_("position in the chain"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The tracker reads one subject's entries newest first (at, then id): a backward
            # index scan that stops after a page.
            models.Index(fields=["subject_nik", "at", "id"], name="audit_subject_nik_at"),
            models.Index(fields=["subject_kk", "at", "id"], name="audit_subject_kk_at"),
            # The tracker's summaries of a resident's own portal reads and automatic jobs
            # (actor role "resident" or none) read only these, not the staff entries around them.
            models.Index(fields=["subject_nik", "at"], condition=models.Q(actor_role__in=NON_STAFF_ROLES), name="audit_subject_nik_nonstaff"),
            models.Index(fields=["subject_kk", "at"], condition=models.Q(actor_role__in=NON_STAFF_ROLES), name="audit_subject_kk_nonstaff"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type} {self.object_id}"


class AuditMention(AppendOnlyModel):
    """A resident shown by an entry that covers several (a name search's results, a list page, a
    queue, an export): the entry stays one row per action, and each
    resident it showed gets one mention, so their data tracker finds it by an index range
    (nik, at) like the entries about them. Written with the entry, in the same transaction, only
    through audit.actions.record (its `mentions`), which also puts the same NIKs in the entry's
    details: the hash chain covers them there, and audit.chain.verify checks the mentions
    against it. Append-only like the entry (the model, and database triggers, migration 0007)."""

    id = models.BigAutoField(primary_key=True)
    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="mentions", verbose_name=_("audit entry"))
    nik = models.CharField(_("NIK shown"), max_length=16)
    # The entry's server time, copied so the tracker's range scan (nik, at) needs no join.
    at = models.DateTimeField(_("server time"))

    class Meta:
        indexes = [models.Index(fields=["nik", "at", "entry"], name="audit_mention_nik_at")]
        constraints = [models.UniqueConstraint(fields=["entry", "nik"], name="audit_mention_once")]
        verbose_name = _("resident shown by an audit entry")
        verbose_name_plural = _("residents shown by audit entries")

    def __str__(self):
        return f"{self.nik} #{self.entry_id}"


class AuditChainHead(models.Model):
    """The one row (id 1) naming the chain's last entry: its position and hash. Appenders lock
    it, and it tells the verifier how long the chain was, so a deleted tail is noticed.
    Its position never goes back (a database trigger refuses that)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(_("entries in the chain"), default=0)
    last_hash = models.CharField(_("hash of the last entry"), max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"{self.last_seq} {self.last_hash}"


class AuditCheck(models.Model):
    """One run of the chain verification (the daily task or `adminduk audit verify`)."""

    id = models.BigAutoField(primary_key=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("chain intact"))
    entries = models.BigIntegerField(_("entries checked"))
    broken_entry_id = models.BigIntegerField(_("first broken entry"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    head_seq = models.BigIntegerField(_("chain head position"), default=0)
    head_hash = models.CharField(_("chain head hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("audit chain check")
        verbose_name_plural = _("audit chain checks")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.line()}"

    def line(self) -> str:
        """One line for the console and the log (English, like the other command output)."""
        if self.ok:
            return f"OK {self.entries} entries, chain head {self.head_seq} {self.head_hash}"
        where = f"entry {self.broken_entry_id}" if self.broken_entry_id is not None else "chain head"
        return f"BROKEN at {where}: {self.reason} ({self.entries} entries before it intact)"
