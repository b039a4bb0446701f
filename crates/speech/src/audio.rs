//! Audio in: files of any common kind (WAV of any rate and channel count, MP3, FLAC) decoded in
//! pieces, mixed to mono and resampled to the 16 kHz whisper needs — with bounded memory, so an
//! hour-long recording streams through instead of being loaded whole.

use crate::error::{Result, SpeechError};
use rubato::{FftFixedIn, Resampler as _};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Whisper's sample rate.
pub const RATE: u32 = 16_000;

/// Streaming resampler from any rate to 16 kHz, mono in, mono out.
pub struct Resampler {
    inner: Option<FftFixedIn<f32>>,
    pending: Vec<f32>,
    /// Output samples still to drop at the start: the resampler's delay.
    skip: usize,
    frames_in: u64,
    frames_out: u64,
    rate_in: u32,
}

const CHUNK: usize = 1024;

impl Resampler {
    pub fn new(rate_in: u32) -> Result<Self> {
        if rate_in == 0 {
            return Err(SpeechError::Resample("sample rate 0".into()));
        }
        let inner = if rate_in == RATE {
            None
        } else {
            Some(
                FftFixedIn::new(rate_in as usize, RATE as usize, CHUNK, 2, 1)
                    .map_err(|e| SpeechError::Resample(e.to_string()))?,
            )
        };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        Ok(Resampler {
            inner,
            pending: Vec::new(),
            skip,
            frames_in: 0,
            frames_out: 0,
            rate_in,
        })
    }

    /// Resamples what can be resampled now; the rest waits for more input or `finish`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<()> {
        self.frames_in += input.len() as u64;
        let Some(r) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            self.frames_out += input.len() as u64;
            return Ok(());
        };
        self.pending.extend_from_slice(input);
        let mut used = 0;
        while self.pending.len() - used >= r.input_frames_next() {
            let n = r.input_frames_next();
            let res = r
                .process(&[&self.pending[used..used + n]], None)
                .map_err(|e| SpeechError::Resample(e.to_string()))?;
            used += n;
            Self::emit(&mut self.skip, &mut self.frames_out, &res[0], out);
        }
        self.pending.drain(..used);
        Ok(())
    }

    fn emit(skip: &mut usize, frames_out: &mut u64, samples: &[f32], out: &mut Vec<f32>) {
        let drop = (*skip).min(samples.len());
        *skip -= drop;
        out.extend_from_slice(&samples[drop..]);
        *frames_out += (samples.len() - drop) as u64;
    }

    /// Flushes the last samples; the output then has exactly as many samples as the input's
    /// duration at 16 kHz.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<()> {
        let Some(r) = self.inner.as_mut() else {
            return Ok(());
        };
        let want = (self.frames_in * RATE as u64).div_ceil(self.rate_in as u64);
        let mut tail = Some(std::mem::take(&mut self.pending));
        // The delay line needs a few empty chunks to drain; the guard stops a runaway loop.
        let mut guard = 0;
        while self.frames_out < want && guard < 16 {
            let res = match tail.take() {
                Some(t) => r.process_partial(Some(&[&t[..]]), None),
                None => r.process_partial::<&[f32]>(None, None),
            }
            .map_err(|e| SpeechError::Resample(e.to_string()))?;
            let s = &res[0];
            let drop = self.skip.min(s.len());
            self.skip -= drop;
            let take = (s.len() - drop).min((want - self.frames_out) as usize);
            out.extend_from_slice(&s[drop..drop + take]);
            self.frames_out += take as u64;
            guard += 1;
        }
        Ok(())
    }
}

/// The decoder behind an [`AudioFile`].
enum Decoder {
    Wav {
        reader: hound::WavReader<BufReader<File>>,
        int_scale: Option<f32>,
    },
    Other {
        format: Box<dyn symphonia::core::formats::FormatReader>,
        decoder: Box<dyn symphonia::core::codecs::Decoder>,
        track: u32,
    },
}

/// An audio file read piece by piece as 16 kHz mono.
pub struct AudioFile {
    path: PathBuf,
    decoder: Decoder,
    channels: usize,
    resampler: Resampler,
    finished: bool,
    /// Source-rate samples seen, for the duration.
    source_frames: u64,
    source_rate: u32,
    /// Length announced by the container, in source frames, where it says.
    total_frames: Option<u64>,
}

impl AudioFile {
    /// Opens a file, deciding its kind from its first bytes (not its name: a text file named
    /// `.wav` is refused here with a clear message).
    pub fn open(path: &Path) -> Result<Self> {
        let mut f = File::open(path).map_err(|e| SpeechError::io(path, e))?;
        let mut magic = [0u8; 12];
        let mut n = 0;
        while n < magic.len() {
            match f
                .read(&mut magic[n..])
                .map_err(|e| SpeechError::io(path, e))?
            {
                0 => break,
                k => n += k,
            }
        }
        if n == 0 {
            return Err(SpeechError::EmptyFile { path: path.into() });
        }
        let not_audio = |reason: String| SpeechError::NotAudio {
            path: path.into(),
            reason,
        };
        let truncated = |reason: String| SpeechError::Truncated {
            path: path.into(),
            reason,
        };
        if n >= 12 && &magic[..4] == b"RIFF" && &magic[8..12] == b"WAVE" {
            let reader = hound::WavReader::open(path).map_err(|e| match e {
                hound::Error::IoError(io) => truncated(io.to_string()),
                other => not_audio(other.to_string()),
            })?;
            let spec = reader.spec();
            let int_scale = match spec.sample_format {
                hound::SampleFormat::Int => {
                    Some((1i64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32)
                }
                hound::SampleFormat::Float => None,
            };
            if spec.channels == 0 {
                return Err(not_audio("no channels".into()));
            }
            // A header claiming more data than the file holds means the file was cut short.
            let data_bytes = reader.len() as u64 * (spec.bits_per_sample as u64).div_ceil(8);
            let file_len = std::fs::metadata(path)
                .map_err(|e| SpeechError::io(path, e))?
                .len();
            if data_bytes > file_len {
                return Err(truncated(format!(
                    "the header announces {data_bytes} bytes of audio but the file has {file_len}"
                )));
            }
            return Ok(AudioFile {
                path: path.into(),
                channels: spec.channels as usize,
                resampler: Resampler::new(spec.sample_rate)?,
                source_rate: spec.sample_rate,
                total_frames: Some(reader.duration() as u64),
                decoder: Decoder::Wav { reader, int_scale },
                finished: false,
                source_frames: 0,
            });
        }
        let looks_mp3 = &magic[..3] == b"ID3" || (magic[0] == 0xFF && magic[1] & 0xE0 == 0xE0);
        let looks_flac = &magic[..4] == b"fLaC";
        if !looks_mp3 && !looks_flac {
            return Err(not_audio(
                "unknown format; WAV, MP3 and FLAC are supported".into(),
            ));
        }
        Self::open_symphonia(path, if looks_flac { "flac" } else { "mp3" })
    }

    fn open_symphonia(path: &Path, ext: &str) -> Result<Self> {
        use symphonia::core::{
            codecs::DecoderOptions, formats::FormatOptions, io::MediaSourceStream,
            meta::MetadataOptions, probe::Hint,
        };
        let file = File::open(path).map_err(|e| SpeechError::io(path, e))?;
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        hint.with_extension(ext);
        let not_audio = |e: symphonia::core::errors::Error| SpeechError::NotAudio {
            path: path.into(),
            reason: e.to_string(),
        };
        let probed = symphonia::default::get_probe()
            .format(
                &hint,
                mss,
                &FormatOptions::default(),
                &MetadataOptions::default(),
            )
            .map_err(not_audio)?;
        let format = probed.format;
        let track = format
            .default_track()
            .ok_or_else(|| SpeechError::NoAudio { path: path.into() })?;
        let params = track.codec_params.clone();
        let rate = params.sample_rate.ok_or_else(|| SpeechError::NotAudio {
            path: path.into(),
            reason: "no sample rate".into(),
        })?;
        let channels = params.channels.map_or(1, |c| c.count());
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(not_audio)?;
        Ok(AudioFile {
            path: path.into(),
            total_frames: params.n_frames,
            channels,
            resampler: Resampler::new(rate)?,
            source_rate: rate,
            decoder: Decoder::Other {
                track: track.id,
                format,
                decoder,
            },
            finished: false,
            source_frames: 0,
        })
    }

    /// Duration announced by the file, in milliseconds, where it says.
    pub fn total_ms(&self) -> Option<u64> {
        self.total_frames
            .map(|f| f * 1000 / self.source_rate.max(1) as u64)
    }

    /// Duration decoded so far, in milliseconds.
    pub fn decoded_ms(&self) -> u64 {
        self.source_frames * 1000 / self.source_rate.max(1) as u64
    }

    /// Appends the next piece of 16 kHz mono audio to `out`; returns false at the end.
    pub fn read_into(&mut self, out: &mut Vec<f32>) -> Result<bool> {
        if self.finished {
            return Ok(false);
        }
        let mut mono = Vec::new();
        let more = self.decode_piece(&mut mono)?;
        self.source_frames += mono.len() as u64;
        self.resampler.push(&mono, out)?;
        if !more {
            self.resampler.finish(out)?;
            self.finished = true;
        }
        Ok(more || !out.is_empty())
    }

    /// Decodes roughly a second of source audio into mono; false when the file is done.
    fn decode_piece(&mut self, mono: &mut Vec<f32>) -> Result<bool> {
        let ch = self.channels;
        let path = self.path.clone();
        match &mut self.decoder {
            Decoder::Wav { reader, int_scale } => {
                let want = (self.source_rate as usize).max(1024) * ch;
                let mut frame = Vec::with_capacity(ch);
                let mut got = 0;
                let truncated = |e: hound::Error| SpeechError::Truncated {
                    path: path.clone(),
                    reason: e.to_string(),
                };
                match *int_scale {
                    Some(scale) => {
                        for s in reader.samples::<i32>().take(want) {
                            frame.push(s.map_err(truncated)? as f32 / scale);
                            got += 1;
                            if frame.len() == ch {
                                mono.push(frame.iter().sum::<f32>() / ch as f32);
                                frame.clear();
                            }
                        }
                    }
                    None => {
                        for s in reader.samples::<f32>().take(want) {
                            frame.push(s.map_err(truncated)?);
                            got += 1;
                            if frame.len() == ch {
                                mono.push(frame.iter().sum::<f32>() / ch as f32);
                                frame.clear();
                            }
                        }
                    }
                }
                Ok(got == want)
            }
            Decoder::Other {
                format,
                decoder,
                track,
            } => {
                use symphonia::core::audio::SampleBuffer;
                use symphonia::core::errors::Error;
                loop {
                    let packet = match format.next_packet() {
                        Ok(p) => p,
                        Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                            return Ok(false)
                        }
                        Err(e) => {
                            return Err(SpeechError::Truncated {
                                path,
                                reason: e.to_string(),
                            })
                        }
                    };
                    if packet.track_id() != *track {
                        continue;
                    }
                    let decoded = match decoder.decode(&packet) {
                        Ok(d) => d,
                        // A damaged frame in a compressed stream: skip it, as players do.
                        Err(Error::DecodeError(_)) => continue,
                        Err(e) => {
                            return Err(SpeechError::Truncated {
                                path,
                                reason: e.to_string(),
                            })
                        }
                    };
                    let spec = *decoded.spec();
                    let chans = spec.channels.count().max(1);
                    let mut buf = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
                    buf.copy_interleaved_ref(decoded);
                    for f in buf.samples().chunks(chans) {
                        mono.push(f.iter().sum::<f32>() / chans as f32);
                    }
                    return Ok(true);
                }
            }
        }
    }
}

/// Reads a whole file as 16 kHz mono. For short files (tests, utterances); long recordings go
/// through [`AudioFile::read_into`] piece by piece.
pub fn read_all(path: &Path) -> Result<Vec<f32>> {
    let mut f = AudioFile::open(path)?;
    let mut out = Vec::new();
    while f.read_into(&mut out)? {}
    if out.is_empty() {
        return Err(SpeechError::NoAudio { path: path.into() });
    }
    Ok(out)
}

/// Writes 16 kHz mono samples as a 16-bit WAV file.
pub fn write_wav(path: &Path, samples: &[f32]) -> Result<()> {
    write_wav_channels(path, samples, 1)
}

/// Writes 16 kHz mono samples as a 16-bit WAV file with the same sound on every channel (a
/// player such as paplay splits a mono file over two channels, 6 dB quieter each).
pub fn write_wav_channels(path: &Path, samples: &[f32], channels: u16) -> Result<()> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let err = |e: hound::Error| SpeechError::io(path, std::io::Error::other(e.to_string()));
    let mut w = hound::WavWriter::create(path, spec).map_err(err)?;
    for s in samples {
        let v = (s.clamp(-1.0, 1.0) * 32767.0) as i16;
        for _ in 0..channels {
            w.write_sample(v).map_err(err)?;
        }
    }
    w.finalize().map_err(err)
}

/// Frames of 20 ms, over which [`snr_db`] measures power.
const SNR_FRAME: usize = RATE as usize / 50;

/// The highest signal-to-noise ratio [`snr_db`] reports: audio whose quiet frames are digital
/// silence has no noise to measure.
pub const SNR_CEILING_DB: f32 = 60.0;

/// An estimate of the signal-to-noise ratio of one utterance (dB): the power of its loud frames
/// (the 90th percentile of 20 ms frames) over that of its quiet ones (the 10th: the lead-in, the
/// tail and the gaps between words hold only the room), at most [`SNR_CEILING_DB`]. `None` for
/// less than half a second of audio.
pub fn snr_db(samples: &[f32]) -> Option<f32> {
    let mut power: Vec<f32> = samples
        .chunks_exact(SNR_FRAME)
        .map(|f| f.iter().map(|x| x * x).sum::<f32>() / SNR_FRAME as f32)
        .collect();
    if power.len() < 25 {
        return None;
    }
    power.sort_by(f32::total_cmp);
    let at = |q: f32| power[((power.len() - 1) as f32 * q) as usize];
    let (quiet, loud) = (at(0.1), at(0.9));
    let snr = 10.0 * ((loud - quiet).max(0.0) / quiet.max(f32::MIN_POSITIVE)).log10();
    Some(snr.min(SNR_CEILING_DB))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_keeps_duration_and_frequency() {
        // 1 s of 440 Hz at 44.1 kHz becomes 16000 samples with ~880 zero crossings.
        let rate = 44_100;
        let input: Vec<f32> = (0..rate)
            .map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate as f32).sin() * 0.5)
            .collect();
        let mut r = Resampler::new(rate).unwrap();
        let mut out = Vec::new();
        for piece in input.chunks(3000) {
            r.push(piece, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        assert_eq!(out.len(), 16_000);
        let crossings = out
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        assert!(
            (870..=890).contains(&crossings),
            "{crossings} zero crossings"
        );
    }

    /// Three seconds of "speech" (a tone in bursts, with gaps as between words) under white noise:
    /// the estimate follows the noise added, and audio without noise reads as the ceiling.
    #[test]
    fn the_estimated_snr_follows_the_noise() {
        let rate = RATE as usize;
        let speech: Vec<f32> = (0..rate * 3)
            .map(|i| {
                let on = (i / (rate / 4)) % 2 == 1 && i > rate / 2 && i < rate * 5 / 2;
                if on {
                    0.3 * (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin()
                } else {
                    0.0
                }
            })
            .collect();
        assert_eq!(snr_db(&speech), Some(SNR_CEILING_DB));
        assert_eq!(snr_db(&speech[..rate / 4]), None);
        // A deterministic white noise (a linear congruential generator).
        let mut state = 1u32;
        let noise: Vec<f32> = (0..speech.len())
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
            })
            .collect();
        let with = |gain: f32| -> f32 {
            let mixed: Vec<f32> = speech
                .iter()
                .zip(&noise)
                .map(|(s, n)| s + gain * n)
                .collect();
            snr_db(&mixed).expect("long enough")
        };
        let (quiet, loud) = (with(0.003), with(0.1));
        assert!(quiet > 25.0 && loud < 15.0, "{quiet} {loud}");
        assert!(with(0.03) < quiet && with(0.03) > loud);
    }
}
