"""The matcher: threshold calibration, exact and approximate FAISS search, persistence and
catch-up from the database, and the MOSIP-shaped ABIS adapter against a fake ABIS."""

import json

import httpx
import numpy as np
import pytest

from adminduk.biometrics import calibration, gallery, synthetic
from adminduk.biometrics import index as ix
from adminduk.biometrics.abis import AbisError, AbisMatcher
from adminduk.biometrics.fusion import fused_score
from adminduk.biometrics.matching import THRESHOLD, MatcherUnavailable


def test_calibrated_threshold_separates_genuine_from_impostor():
    result = calibration.calibrate(pairs=5_000)
    assert abs(result.threshold - THRESHOLD) < 0.02 and result.threshold <= THRESHOLD
    genuine, impostor = calibration.sample_scores(5_000, seed=11)
    assert (genuine >= THRESHOLD).mean() > 0.999 and (impostor >= THRESHOLD).sum() == 0
    rng = np.random.default_rng(3)
    a, b = synthetic.person("x", rng), synthetic.person("x", rng, skip=("iris_R", "iris_L"))
    assert fused_score(a, b) > THRESHOLD > fused_score(a, synthetic.person("y", rng))


@pytest.mark.parametrize("mode", [ix.EXACT, ix.APPROXIMATE])
def test_index_finds_mates_survives_save_and_load_and_removes(mode, tmp_path):
    rng = np.random.default_rng(5)
    latents = synthetic.latent_blocks(rng, ix.MIN_APPROXIMATE)
    gallery_vectors = synthetic.capture_blocks(latents, rng)
    probes = synthetic.capture_blocks({m: v[:50] for m, v in latents.items()}, rng)
    index = ix.VectorIndex(mode)
    index.build(np.arange(len(gallery_vectors)) + 100, gallery_vectors)
    assert index.mode == mode
    assert [hits[0].id for hits in index.search(probes, 3)] == list(range(100, 150))
    index.remove([100])
    index.meta = {"high_water": 7}
    index.save(tmp_path)
    loaded = ix.VectorIndex.load(tmp_path, mode)
    assert loaded.mode == mode and loaded.meta["high_water"] == 7 and 100 not in loaded and 101 in loaded
    assert loaded.search(probes[0], 1)[0][0].id != 100
    loaded.add([5], gallery_vectors[0])
    assert loaded.search(probes[0], 1)[0][0].id == 5


@pytest.mark.django_db
def test_faiss_matcher_enrolls_once_and_other_processes_catch_up(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    rng = np.random.default_rng(9)
    worker_a, worker_b = gallery.FaissMatcher(ix.EXACT), gallery.FaissMatcher(ix.EXACT)
    alice = synthetic.person("alice", rng)
    assert worker_a.enroll_and_identify("00000000-0000-0000-0000-00000000000a", alice) == []
    worker_a.insert("00000000-0000-0000-0000-00000000000a", alice)  # again: no second row
    worker_a.save()
    again = synthetic.person("alice", rng)
    hits = worker_b.identify(again)  # another process: loads the saved index
    assert hits[0].reference_id.endswith("a") and hits[0].is_match
    worker_b.remove("00000000-0000-0000-0000-00000000000a")
    assert worker_a.identify(again) == []  # caught up with the removal
    fresh = gallery.FaissMatcher(ix.EXACT)  # saved index is stale: catch-up applies the removal
    assert fresh.identify(again) == []


def fake_abis(handler):
    calls = []

    def respond(request: httpx.Request):
        body = json.loads(request.content)
        calls.append((request.url.path, body))
        return handler(request.url.path, body)

    return AbisMatcher("http://abis.test/", client=httpx.Client(base_url="http://abis.test/", transport=httpx.MockTransport(respond))), calls


def test_abis_insert_and_identify_speak_the_mosip_shape():
    def handler(path, body):
        answer = {"id": body["id"], "requestId": body["requestId"], "responsetime": "2026-11-25T09:30:00.000Z", "returnValue": "1"}
        if path == "/identify":
            answer["candidateList"] = {"count": "2", "candidates": [
                {"referenceId": body["referenceId"], "analytics": {"internalScore": "0.99"}},
                {"referenceId": "old-ref", "analytics": {"internalScore": "0.81"}, "modalities": [{"biometricType": "FIR", "analytics": {"confidence": "90"}}]},
            ]}  # fmt: skip
        return httpx.Response(200, json=answer)

    matcher, calls = fake_abis(handler)
    matcher.reference_url = "https://central.test/abis/{reference_id}"
    hits = matcher.enroll_and_identify("new-ref", None)
    assert [c[0] for c in calls] == ["/insert", "/identify"]
    insert, identify = calls[0][1], calls[1][1]
    assert insert["id"] == "mosip.abis.insert" and insert["version"] == "1.1" and insert["referenceURL"] == "https://central.test/abis/new-ref"
    assert insert["requesttime"].endswith("Z") and identify["flags"]["maxResults"] == "10"
    assert [(h.reference_id, h.score, h.is_match) for h in hits] == [("old-ref", 0.81, True)]  # itself left out
    assert hits[0].modality_scores == {"fir": {"confidence": "90"}}


def test_abis_failures_are_mapped():
    def exists(path, body):
        return httpx.Response(200, json={"requestId": body["requestId"], "returnValue": "2", "failureReason": "13"})

    matcher, _ = fake_abis(exists)
    matcher.insert("again")  # already inserted: a retried stage is fine
    with pytest.raises(AbisError, match="referenceId already exists"):
        matcher.identify(reference_id="again")
    down, _ = fake_abis(lambda path, body: httpx.Response(503))
    with pytest.raises(MatcherUnavailable):
        down.insert("x")
    wrong, _ = fake_abis(lambda path, body: httpx.Response(200, json={"requestId": "someone else", "returnValue": "1"}))
    with pytest.raises(AbisError, match="requestId"):
        wrong.insert("x")
