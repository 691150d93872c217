"""The chime the waiting-room display plays before announcing a number: a two-note "ding-dong"
generated with the standard library (wave), shipped as static/queueing/chime.wav.

Regenerate with `python -m adminduk.queueing.chime`; tests check that the shipped file is
exactly what this module makes."""

import io
import math
import struct
import wave
from pathlib import Path

RATE = 16000
NOTES = ((784.0, 0.45), (659.25, 0.7))  # G5 then E5, seconds
PATH = Path(__file__).parent / "static" / "queueing" / "chime.wav"


def chime_wav() -> bytes:
    frames = bytearray()
    for frequency, seconds in NOTES:
        count = int(RATE * seconds)
        for n in range(count):
            t = n / RATE
            envelope = min(1.0, n / (0.01 * RATE)) * math.exp(-3.5 * t / seconds)
            sample = envelope * (0.6 * math.sin(2 * math.pi * frequency * t) + 0.2 * math.sin(4 * math.pi * frequency * t))
            frames += struct.pack("<h", int(max(-1.0, min(1.0, sample)) * 20000))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


if __name__ == "__main__":
    PATH.write_bytes(chime_wav())
    print(PATH)
