"""The built-in matcher: the EnrolledTemplate table (truth) plus a FAISS index per process.

Each process loads the index saved under DATA_DIR/dedup (if any), then applies the gallery
changes it has not seen. A process that finds the saved index unusable rebuilds from the table.
`enroll_and_identify` runs under the gallery lock: search first (others' committed changes
only), then write the new row and its change; the in-memory index takes the new vector when the
transaction commits, so a rolled-back stage leaves no ghost in memory.
"""

import threading

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import index as ix
from .fusion import MODALITIES, PersonTemplates
from .base import THRESHOLD, Candidate
from .models import EnrolledTemplate, GalleryChange, GalleryLock

_lock = threading.Lock()
_matcher = None


def index_dir():
    return settings.DATA_DIR / "dedup"


def faiss_matcher() -> "FaissMatcher":
    global _matcher
    with _lock:
        if _matcher is None:
            _matcher = FaissMatcher(settings.ADMINDUK_MATCHER_MODE)
        return _matcher


def reset_matcher() -> None:
    """Forget the in-memory index (tests, or after restoring the database)."""
    global _matcher
    with _lock:
        _matcher = None


def lock_gallery() -> None:
    """Take the gallery lock for the current transaction."""
    GalleryLock.objects.get_or_create(id=1)
    GalleryLock.objects.select_for_update().get(id=1)


def _templates_of(row: EnrolledTemplate) -> PersonTemplates:
    return PersonTemplates.from_encoded({m: getattr(row, m) for m in MODALITIES})


class FaissMatcher:
    def __init__(self, mode: str = ix.APPROXIMATE, threshold: float = THRESHOLD):
        self.mode = mode
        self.threshold = threshold
        self._index: ix.VectorIndex | None = None
        self._high_water = 0
        self._mutex = threading.RLock()

    # --- keeping the in-memory index in step with the table ---------------------------------

    def _ensure(self) -> ix.VectorIndex:
        if self._index is None:
            loaded = ix.VectorIndex.load(index_dir(), self.mode)
            if loaded is not None and self._usable(loaded):
                self._index, self._high_water = loaded, int(loaded.meta.get("high_water", 0))
            else:
                self.rebuild()
        return self._index

    @staticmethod
    def _usable(loaded: ix.VectorIndex) -> bool:
        # A saved index newer than the table (database restored, test database) is discarded.
        latest = GalleryChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return int(loaded.meta.get("high_water", 0)) <= latest

    def rebuild(self) -> None:
        """Build the index again from every enrolled, not removed, template."""
        with self._mutex:
            latest = GalleryChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
            rows = list(EnrolledTemplate.objects.filter(removed_at__isnull=True).order_by("id"))
            index = ix.VectorIndex(self.mode)
            vectors = np.vstack([_templates_of(r).vector() for r in rows]) if rows else np.zeros((0, ix.FUSED_DIM), np.float32)
            index.build(np.array([r.id for r in rows], dtype=np.int64), vectors)
            self._index, self._high_water = index, latest

    def sync(self) -> None:
        """Apply the gallery changes this process has not seen yet."""
        with self._mutex:
            index = self._ensure()
            changes = list(GalleryChange.objects.filter(id__gt=self._high_water).select_related("template").order_by("id"))
            for change in changes:
                self._apply(index, change.template, change.op)
                self._high_water = change.id

    def _apply(self, index, row: EnrolledTemplate, op: str) -> None:
        if op == GalleryChange.Op.INSERT and row.id not in index and row.removed_at is None:
            index.add([row.id], _templates_of(row).vector())
        elif op == GalleryChange.Op.REMOVE:
            index.remove([row.id])

    def save(self) -> None:
        with self._mutex:
            index = self._ensure()
            index.meta = {"high_water": self._high_water}
            index.save(index_dir())

    # --- the Matcher interface ----------------------------------------------------------------

    def insert(self, reference_id, templates: PersonTemplates, *, nik: str = "") -> None:
        with transaction.atomic():
            lock_gallery()
            self._insert(reference_id, templates, nik)

    def _insert(self, reference_id, templates: PersonTemplates, nik: str) -> None:
        row, created = EnrolledTemplate.objects.get_or_create(reference_id=reference_id, defaults={"nik": nik, **templates.encoded()})
        if not created:
            return  # enrolled once, whatever number of times the stage runs
        GalleryChange.objects.create(template=row, op=GalleryChange.Op.INSERT)

        def apply():
            with self._mutex:
                if self._index is not None:
                    # The change itself is read again by the next sync; applying is idempotent.
                    self._apply(self._index, row, GalleryChange.Op.INSERT)

        transaction.on_commit(apply)

    def remove(self, reference_id) -> None:
        with transaction.atomic():
            lock_gallery()
            row = EnrolledTemplate.objects.filter(reference_id=reference_id, removed_at__isnull=True).first()
            if row is None:
                return
            row.removed_at = timezone.now()
            row.save(update_fields=["removed_at", "updated_at"])
            GalleryChange.objects.create(template=row, op=GalleryChange.Op.REMOVE)
            transaction.on_commit(self.sync)

    def identify(self, templates: PersonTemplates, *, top_k: int = 10, exclude=None) -> list[Candidate]:
        self.sync()
        with self._mutex:
            hits = self._index.search(templates.vector(), top_k + 1)[0]
        rows = {r.id: r for r in EnrolledTemplate.objects.filter(id__in=[h.id for h in hits], removed_at__isnull=True)}
        out = []
        for hit in hits:
            row = rows.get(hit.id)
            if row is None or (exclude is not None and str(row.reference_id) == str(exclude)):
                continue
            scores = {m: s for m, s in zip(MODALITIES, hit.modality_scores, strict=True) if s is not None}
            out.append(Candidate(str(row.reference_id), round(hit.score, 4), hit.score >= self.threshold, scores))
        return out[:top_k]

    def enroll_and_identify(self, reference_id, templates: PersonTemplates, *, top_k: int = 10, nik: str = "") -> list[Candidate]:
        with transaction.atomic():
            lock_gallery()
            candidates = self.identify(templates, top_k=top_k, exclude=reference_id)
            self._insert(reference_id, templates, nik)
        return candidates
