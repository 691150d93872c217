"""Adapter for an external ABIS speaking the shape of the MOSIP ABIS API (v1.1): Insert,
Identify and Delete requests as JSON, answered with returnValue "1" (success) or "2" with a
failureReason code, and for Identify a candidateList. Sent over HTTP (httpx) to
ADMINDUK_ABIS_URL. The ABIS fetches the biometric data itself from the referenceURL
(ADMINDUK_ABIS_REFERENCE_URL, formatted with the reference id). Selected with
ADMINDUK_MATCHER=abis.
"""

import datetime as dt
import uuid

import httpx

from .fusion import PersonTemplates
from .base import Candidate, MatcherUnavailable

VERSION = "1.1"
SUCCESS, FAILURE = "1", "2"
REFERENCE_EXISTS = "13"  # "referenceId already exists": an insert repeated after a crash
FAILURE_REASONS = {
    "1": "internal error", "2": "aborted", "3": "unexpected error", "4": "unable to serve the request", "5": "invalid request",
    "6": "unauthorised access", "7": "unable to fetch biometric details", "8": "missing referenceId", "9": "missing requestId",
    "10": "unable to fetch biometric details", "11": "missing reference URL", "12": "missing requesttime",
    "13": "referenceId already exists", "14": "CBEFF has no data", "15": "referenceId not found", "16": "invalid version",
    "17": "invalid id", "18": "invalid requesttime format", "19": "invalid CBEFF format", "20": "data share URL has expired",
}  # fmt: skip


class AbisError(RuntimeError):
    def __init__(self, code: str, message: str):
        super().__init__(f"ABIS failure {code}: {message}")
        self.code = code


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class AbisMatcher:
    def __init__(self, base_url: str, *, reference_url: str = "", client: httpx.Client | None = None, max_results: int = 10, timeout: float = 30.0):
        if not base_url:
            raise ValueError("ADMINDUK_ABIS_URL is not set")
        self.reference_url = reference_url
        self.max_results = max_results
        self.client = client or httpx.Client(base_url=base_url, timeout=timeout)
        if client is not None and not str(client.base_url):
            self.client.base_url = base_url

    @classmethod
    def from_settings(cls) -> "AbisMatcher":
        from django.conf import settings

        return cls(settings.ADMINDUK_ABIS_URL, reference_url=settings.ADMINDUK_ABIS_REFERENCE_URL)

    def _call(self, path: str, body: dict) -> dict:
        try:
            response = self.client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise MatcherUnavailable(f"ABIS not reachable: {exc}") from exc
        if response.status_code >= 500:
            raise MatcherUnavailable(f"ABIS answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise AbisError("3", f"the ABIS answer is not JSON (HTTP {response.status_code})") from exc
        if not isinstance(data, dict) or data.get("requestId") != body["requestId"]:
            raise AbisError("3", "the ABIS answer does not name our requestId")
        if str(data.get("returnValue")) != SUCCESS:
            code = str(data.get("failureReason") or "3")
            raise AbisError(code, FAILURE_REASONS.get(code, "unknown failure"))
        return data

    def _request(self, kind: str, reference_id: str, **extra) -> dict:
        return {"id": f"mosip.abis.{kind}", "version": VERSION, "requestId": str(uuid.uuid4()), "requesttime": _now(), "referenceId": str(reference_id), **extra}

    def insert(self, reference_id, templates: PersonTemplates | None = None, *, nik: str = "") -> None:
        url = self.reference_url.format(reference_id=reference_id) if self.reference_url else ""
        try:
            self._call("insert", self._request("insert", reference_id, referenceURL=url))
        except AbisError as exc:
            if exc.code != REFERENCE_EXISTS:
                raise

    def identify(self, templates: PersonTemplates | None = None, *, top_k: int = 10, exclude=None, reference_id=None) -> list[Candidate]:
        reference_id = reference_id or exclude
        if reference_id is None:
            raise ValueError("MOSIP ABIS identifies an inserted referenceId")
        body = self._request("identify", reference_id, referenceURL="", flags={"maxResults": str(min(top_k, self.max_results)), "targetFPIR": "30"})
        data = self._call("identify", body)
        candidates = []
        for item in (data.get("candidateList") or {}).get("candidates") or []:
            ref = str(item.get("referenceId", ""))
            if not ref or ref == str(reference_id):
                continue
            analytics = item.get("analytics") or {}
            score = float(analytics.get("internalScore") or analytics.get("confidence") or 0) / (100.0 if "confidence" in analytics and "internalScore" not in analytics else 1.0)
            modalities = {str(m.get("biometricType", "")).lower(): m.get("analytics", {}) for m in item.get("modalities") or []}
            candidates.append(Candidate(ref, score, True, modalities))  # an ABIS lists only matches
        return candidates[:top_k]

    def remove(self, reference_id) -> None:
        try:
            self._call("delete", self._request("delete", reference_id))
        except AbisError as exc:
            if exc.code != "15":  # already gone
                raise

    def enroll_and_identify(self, reference_id, templates: PersonTemplates, *, top_k: int = 10, nik: str = "") -> list[Candidate]:
        self.insert(reference_id, templates, nik=nik)
        return self.identify(templates, top_k=top_k, reference_id=reference_id)
