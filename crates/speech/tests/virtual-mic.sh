#!/bin/bash
# A virtual microphone for tests (root, no systemd, no sound card): a PulseAudio null sink whose
# monitor is remapped as the default source; cpal reaches it through ALSA's pulse plugin.
# Needs the Debian packages pulseaudio pulseaudio-utils libasound2-plugins (scripts/setup-deps.sh).
set -euo pipefail
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg-runtime-$(id -u)}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
if ! pactl info >/dev/null 2>&1 || ! pactl list short sources | grep -q vmic; then
  pulseaudio --check 2>/dev/null && pulseaudio --kill || true
  # -n: no default.pa (no hardware detection); load only what is needed.
  pulseaudio -D -n --exit-idle-time=-1 --log-target=file:"$XDG_RUNTIME_DIR/pulse.log" \
    --load="module-native-protocol-unix" \
    --load="module-null-sink sink_name=vspeaker sink_properties=device.description=VirtualSpeaker" \
    --load="module-remap-source master=vspeaker.monitor source_name=vmic source_properties=device.description=VirtualMic"
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
fi
pactl set-default-sink vspeaker
pactl set-default-source vmic
# A microphone delivers sound all the time (zeros in a silent room); a null sink with nothing
# playing into it delivers nothing, and when a player then connects, its sound reached a recorder
# about 0.7 s late for the whole clip (against ~0.1 s while the sink was running). So silence is
# played into the sink for as long as the daemon lives (the player ends with it).
if ! pactl list sink-inputs 2>/dev/null | grep -q 'media.name = "banthuek-silence"'; then
  setsid pacat --playback --raw --format=s16le --rate=16000 --channels=1 --latency-msec=100 \
    --property=media.name=banthuek-silence /dev/zero </dev/null >/dev/null 2>&1 &
  for _ in $(seq 50); do
    pactl list sink-inputs | grep -q 'media.name = "banthuek-silence"' && break
    sleep 0.1
  done
fi
