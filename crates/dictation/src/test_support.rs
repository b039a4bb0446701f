//! For tests only (the `test-support` feature, enabled by dev-dependencies): recordings made
//! without a microphone.

/// A 440 Hz tone of `seconds`, as a 16 kHz mono 16-bit WAV: a recording whose cuts can be
/// measured.
pub fn tone_wav(seconds: f64) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut out, spec).expect("an in-memory WAV");
    for i in 0..(seconds * 16_000.0) as usize {
        let s = (i as f64 * 440.0 * 2.0 * std::f64::consts::PI / 16_000.0).sin();
        w.write_sample((s * 8000.0) as i16).expect("a sample");
    }
    w.finalize().expect("the WAV's header");
    out.into_inner()
}

/// How long the WAV in `bytes` lasts, in ms.
pub fn wav_ms(bytes: &[u8]) -> u64 {
    let r = hound::WavReader::new(std::io::Cursor::new(bytes)).expect("a WAV");
    r.duration() as u64 * 1000 / r.spec().sample_rate as u64
}

/// Saves `value` (JSON text, as `ArrestRecord::with_field` reads it) at `pointer` of record `id`
/// as dictation saves a heard value: the latest version with that one field set, provenance
/// dictated at `confidence`, a machine version. Returns the new version.
pub fn save_dictated(
    session: &mut banthuek_store::Session,
    id: &str,
    pointer: &str,
    value: &str,
    confidence: f64,
) -> u32 {
    use banthuek_core::record::{Provenance, Source};
    let mut record = session
        .record(id)
        .expect("record")
        .record
        .with_field(pointer, value)
        .expect("value");
    record.provenance.insert(
        pointer.into(),
        Provenance {
            source: Source::Dictated,
            transcript_span: None,
            audio_ms: None,
            confidence: Some(confidence),
            extra: Default::default(),
        },
    );
    session
        .save_version(
            id,
            record,
            banthuek_store::VersionSource::Machine,
            "dictation",
        )
        .expect("dictated")
}
