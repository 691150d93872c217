"""The display's chime is the file queueing.chime makes (a real WAV, served locally), and the
display and slip pages load only local static files."""

import io
import wave

from adminduk.queueing import chime


def test_shipped_chime_is_the_generated_one():
    assert chime.PATH.read_bytes() == chime.chime_wav()
    with wave.open(io.BytesIO(chime.chime_wav())) as sound:
        assert sound.getnchannels() == 1 and sound.getframerate() == chime.RATE
        assert 0.9 < sound.getnframes() / sound.getframerate() < 1.5
