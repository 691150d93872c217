"""The biometric template format shared by capture devices, packets and the matcher.

A template is a fixed-length feature vector of unit length (cosine similarity = dot product).
On the wire and at rest it is int8 (value x 127), 128 bytes per capture; the matcher works in
float32. Real extractors (a vendor SDK, face_recognition) produce their own vectors; an adapter
maps them to this length and normalises them.
"""

import numpy as np

DIM = 128
SCALE = 127.0


def normalise(vector) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    if v.shape[0] != DIM:
        raise ValueError(f"a template has {DIM} values, got {v.shape[0]}")
    norm = float(np.linalg.norm(v))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("a template cannot be all zeros or contain NaN")
    return v / norm


def encode(vector) -> bytes:
    return np.clip(np.rint(normalise(vector) * SCALE), -127, 127).astype(np.int8).tobytes()


def decode(data: bytes) -> np.ndarray:
    if len(data) != DIM:
        raise ValueError(f"an encoded template is {DIM} bytes, got {len(data)}")
    return normalise(np.frombuffer(data, dtype=np.int8).astype(np.float32))


def similarity(a, b) -> float:
    return float(np.dot(normalise(a), normalise(b)))
