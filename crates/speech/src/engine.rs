//! The whisper engine: loads a model, decodes Thai audio with settings that proved stable
//! (beam 5, no temperature fallback), and guards the output against the known failure modes —
//! text hallucinated from silence and repetition loops. Runs inside the worker process.

use crate::audio::{AudioFile, RATE};
use crate::constraint::{Constraint, Matcher};
use crate::error::{Result, SpeechError};
use crate::models;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ffi::c_void;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use whisper_rs::{
    whisper_rs_sys, FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters,
    WhisperState, WhisperVadContext, WhisperVadContextParams, WhisperVadParams,
};

/// One token of a segment: text (whole characters) and the model's probability for it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Token {
    pub text: String,
    pub p: f32,
}

/// A stretch of transcribed speech, times relative to the start of the audio.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Segment {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
    pub tokens: Vec<Token>,
}

/// The transcript of one file or utterance: the `--json` contract of `banthuek transcribe`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Transcript {
    pub text: String,
    pub language: String,
    pub duration_ms: u64,
    pub segments: Vec<Segment>,
    /// With a constraint: every complete text the beams reached, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hypotheses: Vec<Hypothesis>,
    /// With a constraint: whisper's probability that the audio holds no speech (read right after
    /// "start of transcript", see `Engine::no_speech`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_speech: Option<f32>,
    /// The texts of [`DecodeOptions::score_texts`], each with the model's belief in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<TextScore>,
    /// With a constraint: the voice activity detection heard only a burst of voice too short for
    /// its own rule (a number word said alone, or a sound that is no word), see
    /// [`SHORT_VOICE_PEAK`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub short_voice: bool,
    /// With a constraint: the utterance's signal-to-noise ratio, estimated
    /// ([`crate::audio::snr_db`]; the lowest of its windows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snr_db: Option<f32>,
}

/// How much the model believes a given text was said, read by teacher forcing: the text's
/// tokens fed to the decoder one by one on the audio's encoding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TextScore {
    pub text: String,
    /// Sum of the log-probabilities of the text's tokens and of end-of-text after them (the
    /// end is what keeps a text cut short from winning when more was said), each against every
    /// text token and end-of-text, without any constraint.
    pub logp: f32,
    /// Tokens in the text.
    pub tokens: usize,
}

/// One complete text that a beam of constrained decoding reached.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hypothesis {
    pub text: String,
    /// Log-probability of the text (and its end) under the constraint: the beam's own score.
    pub logp: f32,
    /// Log-probability of the same tokens without the constraint: how much the model itself
    /// believes the text, against everything else it could have written.
    pub raw_logp: f32,
    /// Tokens in the text.
    pub tokens: usize,
}

/// Decoding settings. The defaults are the ones measured best for Thai on the base model.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct DecodeOptions {
    pub language: String,
    pub beam_size: i32,
    /// The most decoder threads; fewer while other processes keep cores busy (see [`crate::cpu`]).
    pub threads: i32,
    /// Whisper's retry at higher temperatures; off by default: on bad audio it cost 2–5× real time.
    pub temperature_fallback: bool,
    /// Station vocabulary given to the decoder as context.
    pub initial_prompt: Option<String>,
    /// A segment whose no-speech probability is above this and whose tokens are unsure is dropped.
    pub no_speech_threshold: f32,
    /// Run voice activity detection (when a VAD model is loaded) and skip silent windows.
    pub vad: bool,
    /// Decode only the stretch of a window in which the voice activity detection found speech;
    /// otherwise it only decides whether there is any, and the whole window is decoded (it can
    /// miss a short first word: "สาม นาฬิกา" read "นึง นาลิกา", an ID's first digits lost).
    pub vad_trim: bool,
    /// What the decoder may write (a typed field); `None`: free dictation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<Constraint>,
    /// Give the encoder its full 30 s context instead of one fitted to the audio.
    pub full_context: bool,
    /// Without the full context: the frames (20 ms each) of context given beyond the audio, at
    /// most up to the full 30 s; `None`: a small margin (1.28 s). The encoder's time grows with
    /// its context.
    pub context_margin: Option<u32>,
    /// Texts to score against the audio by teacher forcing ([`Transcript::scores`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub score_texts: Vec<String>,
    /// When the previous request left the encoding of this same audio (same stretch, same
    /// encoder context) in the decoder's state, use it instead of encoding again: with
    /// `score_texts`, score on it (the transcript then holds only the scores); without them,
    /// read free dictation off it greedily ([`Engine::read_encoding`]), or with a constraint
    /// search its language by the model's own belief ([`Engine::search_encoding`]: the
    /// hypotheses, and the best as the text).
    pub reuse_encoding: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            language: "th".into(),
            beam_size: 5,
            threads: 2,
            temperature_fallback: false,
            initial_prompt: None,
            no_speech_threshold: 0.6,
            vad: true,
            vad_trim: true,
            constraint: None,
            full_context: false,
            context_margin: None,
            score_texts: Vec::new(),
            reuse_encoding: false,
        }
    }
}

/// What the engine reports while it works.
pub enum EngineEvent<'a> {
    Progress(u8),
    Segment(&'a Segment),
}

/// Longest window given to whisper at once (its context is 30 s).
const MAX_WINDOW: usize = 28 * RATE as usize;
/// Windows are cut at the quietest moment after this much audio.
const MIN_WINDOW: usize = 18 * RATE as usize;
/// Samples per frame of the encoder's context (20 ms), and the frames of a full 30 s context.
const AUDIO_FRAME: usize = RATE as usize / 50;
const FULL_AUDIO_CTX: usize = 1500;
/// Frames added to the fitted context (1.28 s), so the end of speech is not at its very edge.
const AUDIO_CTX_MARGIN: usize = 64;
/// Padding kept around the speech that the VAD found.
const VAD_PAD: usize = RATE as usize / 4;

pub struct Engine {
    // `state` borrows nothing from `ctx` in whisper-rs (it holds an Arc), but keep ctx alive.
    _ctx: WhisperContext,
    state: WhisperState,
    vad: Option<WhisperVadContext>,
    /// The bytes of each text token, made on the first constrained request.
    vocab: Option<std::sync::Arc<Vec<Vec<u8>>>>,
    /// Which text tokens free dictation never writes ([`unwritten_tokens`]), made on the first
    /// request.
    unwritten: Option<Vec<bool>>,
    /// Decoder threads: no more than the cores the other processes leave idle.
    cpu: crate::cpu::CpuShare,
    /// What the encoding in `state` is of: a fingerprint of the audio and encoder context of the
    /// last `whisper_full` that succeeded.
    encoded: Option<u64>,
}

/// What one window's decoding found besides its segments.
#[derive(Default)]
pub struct WindowExtras {
    pub hypotheses: Vec<Hypothesis>,
    pub no_speech: Option<f32>,
    pub scores: Vec<TextScore>,
    pub short_voice: bool,
    pub snr_db: Option<f32>,
}

/// The lower of two figures of a recording's windows, or the one there is.
fn lowest(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

extern "C" fn abort_requested(user_data: *mut c_void) -> bool {
    // SAFETY: user_data is the address of the AtomicBool passed to `decode`, which outlives the
    // whisper call that invokes this callback.
    unsafe { (*(user_data as *const AtomicBool)).load(Ordering::Relaxed) }
}

impl Engine {
    /// Loads a whisper model (after checking processor, header and that it knows Thai) and,
    /// optionally, the Silero VAD model.
    pub fn load(model: &Path, vad_model: Option<&Path>) -> Result<Self> {
        models::check_whisper_for_thai(model)?;
        let path = model.to_str().ok_or_else(|| SpeechError::BadModel {
            path: model.into(),
            reason: "path is not valid UTF-8".into(),
        })?;
        let ctx = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|e| SpeechError::BadModel {
                path: model.into(),
                reason: format!("the engine could not load it ({e}); the file may be damaged"),
            })?;
        if !ctx.is_multilingual() {
            return Err(SpeechError::EnglishOnlyModel {
                name: model.display().to_string(),
            });
        }
        let state = new_state(&ctx)?;
        let vad = match vad_model {
            Some(v) => {
                let h = models::read_header(v)?;
                if h.kind != models::ModelKind::Vad {
                    return Err(SpeechError::BadModel {
                        path: v.into(),
                        reason: "not a voice-activity model".into(),
                    });
                }
                let vp = v.to_str().filter(|s| !s.contains('\0')).ok_or_else(|| {
                    SpeechError::BadModel {
                        path: v.into(),
                        reason: "path is not valid UTF-8".into(),
                    }
                })?;
                let mut params = WhisperVadContextParams::new();
                params.set_n_threads(1);
                Some(
                    WhisperVadContext::new(vp, params).map_err(|e| SpeechError::BadModel {
                        path: v.into(),
                        reason: e.to_string(),
                    })?,
                )
            }
            None => None,
        };
        Ok(Engine {
            _ctx: ctx,
            state,
            vad,
            vocab: None,
            unwritten: None,
            cpu: crate::cpu::CpuShare::default(),
            encoded: None,
        })
    }

    /// Transcribes a file of any supported kind, window by window, with bounded memory.
    pub fn transcribe_file(
        &mut self,
        path: &Path,
        opts: &DecodeOptions,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(EngineEvent),
    ) -> Result<Transcript> {
        let mut file = AudioFile::open(path)?;
        let total_ms = file.total_ms();
        let mut buf: Vec<f32> = Vec::with_capacity(MAX_WINDOW + RATE as usize * 2);
        let mut offset = 0usize; // samples before buf[0]
        let mut segments = Vec::new();
        let mut extras = WindowExtras::default();
        let mut more = true;
        let mut any_audio = false;
        while more || !buf.is_empty() {
            while more && buf.len() < MAX_WINDOW {
                more = file.read_into(&mut buf)?;
            }
            any_audio |= !buf.is_empty();
            if buf.is_empty() {
                break;
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(SpeechError::Cancelled);
            }
            let cut = if buf.len() <= MAX_WINDOW && !more {
                buf.len()
            } else {
                quietest_cut(&buf)
            };
            let (found, more_extras) =
                self.transcribe_window_with(&buf[..cut], offset, opts, cancel)?;
            extras.hypotheses.extend(more_extras.hypotheses);
            extras.scores.extend(more_extras.scores);
            extras.short_voice |= more_extras.short_voice;
            extras.snr_db = lowest(extras.snr_db, more_extras.snr_db);
            extras.no_speech = lowest(extras.no_speech, more_extras.no_speech);
            for s in found {
                on_event(EngineEvent::Segment(&s));
                segments.push(s);
            }
            offset += cut;
            buf.drain(..cut);
            if let Some(total) = total_ms.filter(|t| *t > 0) {
                let done = (offset as u64 * 1000 / RATE as u64).min(total);
                on_event(EngineEvent::Progress((done * 100 / total) as u8));
            }
        }
        if !any_audio {
            return Err(SpeechError::NoAudio { path: path.into() });
        }
        drop_repeated_segments(&mut segments);
        Ok(Transcript {
            text: join_text(&segments),
            language: opts.language.clone(),
            duration_ms: offset as u64 * 1000 / RATE as u64,
            segments,
            hypotheses: extras.hypotheses,
            no_speech: extras.no_speech,
            scores: extras.scores,
            short_voice: extras.short_voice,
            snr_db: extras.snr_db,
        })
    }

    /// Transcribes one window (≤ 28 s) of 16 kHz mono audio that starts `offset` samples into the
    /// recording.
    pub fn transcribe_window(
        &mut self,
        samples: &[f32],
        offset: usize,
        opts: &DecodeOptions,
        cancel: &AtomicBool,
    ) -> Result<Vec<Segment>> {
        Ok(self
            .transcribe_window_with(samples, offset, opts, cancel)?
            .0)
    }

    /// [`Engine::transcribe_window`], with the hypotheses of constrained decoding.
    pub fn transcribe_window_with(
        &mut self,
        samples: &[f32],
        offset: usize,
        opts: &DecodeOptions,
        cancel: &AtomicBool,
    ) -> Result<(Vec<Segment>, WindowExtras)> {
        // A typed field's value may be one short word: a burst of voice too short for the
        // detection's own rule still counts there.
        let short_words = opts.constraint.is_some();
        let (start, end, short_voice) = match (&mut self.vad, opts.vad) {
            (Some(vad), true) => match speech_span(vad, samples, short_words)? {
                Some(s) if opts.vad_trim => (s.start, s.end, s.short),
                Some(s) => (0, samples.len(), s.short),
                None => return Ok((Vec::new(), WindowExtras::default())),
            },
            _ => (0, samples.len(), false),
        };
        let audio = &samples[start..end];
        let margin = opts.context_margin.map_or(AUDIO_CTX_MARGIN, |m| m as usize);
        let frames = audio.len().div_ceil(AUDIO_FRAME) + margin;
        let audio_ctx = (frames < FULL_AUDIO_CTX && !opts.full_context).then_some(frames);
        let encoding = encoding_key(audio, audio_ctx);
        let base_ms = (offset + start) as u64 * 1000 / RATE as u64;
        let end_ms = base_ms + audio.len() as u64 * 1000 / RATE as u64;
        if opts.reuse_encoding && self.encoded == Some(encoding) {
            if !opts.score_texts.is_empty() {
                let scores = self.score_texts(opts)?;
                return Ok((
                    Vec::new(),
                    WindowExtras {
                        scores,
                        ..WindowExtras::default()
                    },
                ));
            }
            match &opts.constraint {
                None => {
                    let segments = self.read_encoding(opts, (base_ms, end_ms), cancel)?;
                    return Ok((segments, WindowExtras::default()));
                }
                Some(constraint) => {
                    let hypotheses = self.search_encoding(opts, constraint, cancel)?;
                    let best = hypotheses.first().map(|h| Segment {
                        start_ms: base_ms,
                        end_ms,
                        text: h.text.clone(),
                        tokens: Vec::new(),
                    });
                    return Ok((
                        best.into_iter().collect(),
                        WindowExtras {
                            hypotheses,
                            ..WindowExtras::default()
                        },
                    ));
                }
            }
        }
        let strategy = if opts.beam_size > 1 {
            SamplingStrategy::BeamSearch {
                beam_size: opts.beam_size,
                patience: -1.0,
            }
        } else {
            SamplingStrategy::Greedy { best_of: 1 }
        };
        let mut p = FullParams::new(strategy);
        p.set_language(Some(&opts.language));
        p.set_n_threads(self.cpu.threads(opts.threads));
        p.set_print_progress(false);
        p.set_print_realtime(false);
        p.set_print_special(false);
        p.set_print_timestamps(false);
        p.set_no_context(true);
        p.set_suppress_nst(true);
        if !opts.temperature_fallback {
            p.set_temperature_inc(0.0);
        }
        if let Some(prompt) = opts.initial_prompt.as_deref().filter(|s| !s.is_empty()) {
            p.set_initial_prompt(prompt);
        }
        // The encoder's context is 30 s; audio shorter than that is otherwise padded with silence
        // the encoder still pays for. A context fitted to the audio (plus a margin) costs about a
        // third of the time on utterances of 3–8 s (`banthuek bench speech`). Accuracy on the
        // benchmark's minute and live utterances held; on single short clock times mean CER rose
        // from 0.225 to 0.306. A margin of 400 frames won that back but missed the latency target
        // (p95 2.5 s), so the margin stays small.
        if let Some(frames) = audio_ctx {
            p.set_audio_ctx(frames as i32);
        }
        // Free dictation writes no Latin letters: Thai dictation never needs them, and base
        // writes Thai sounds in them ("13.Nalika 52.Nathi", "Z นาลิกา"), which neither the
        // extractor nor a second reading by sound can use. A constrained field (a passport
        // number) admits what its grammar admits.
        let constrained = opts
            .constraint
            .as_ref()
            .map(|c| Mutex::new(self.constrained(c)));
        let unwritten: &Vec<bool> = self
            .unwritten
            .get_or_insert_with(|| unwritten_tokens(&self._ctx));
        match constrained.as_ref() {
            Some(c) => {
                // One text, no timestamps: the field's value.
                p.set_no_timestamps(true);
                p.set_single_segment(true);
                // SAFETY: `c` outlives `full`, the only call that uses the callback. Whisper
                // processes the beams' logits on several threads at once: the callback locks.
                unsafe {
                    p.set_filter_logits_callback(Some(constrained_filter));
                    p.set_filter_logits_callback_user_data(
                        c as *const Mutex<Constrained> as *mut c_void,
                    );
                }
            }
            // SAFETY: `unwritten` outlives `full`, the only call that uses the callback; the filter
            // only reads it and the tokens, and writes the logits whisper hands it.
            None => unsafe {
                p.set_filter_logits_callback(Some(free_dictation_filter));
                p.set_filter_logits_callback_user_data(
                    unwritten as *const Vec<bool> as *mut c_void,
                );
            },
        }
        // The "safe" abort callback of whisper-rs 0.16 calls the closure with the wrong type;
        // the raw callback reads our flag directly.
        // SAFETY: `cancel` outlives `full`, the only call that uses the callback.
        unsafe {
            p.set_abort_callback(Some(abort_requested));
            p.set_abort_callback_user_data(cancel as *const AtomicBool as *mut c_void);
        }
        self.encoded = None;
        // whisper.cpp's beam search draws each beam's next tokens at random from the model's
        // distribution (`whisper_sample_token_topk`), with generators kept in the state and
        // seeded when it is made: on a state that lives on, a reading would depend on every
        // reading before it (the same clip read four times in a row gave four texts). A fresh
        // state makes it depend on its audio alone.
        if opts.beam_size > 1 {
            self.state = new_state(&self._ctx)?;
        }
        let res = self.state.full(p, audio);
        if cancel.load(Ordering::Relaxed) {
            return Err(SpeechError::Cancelled);
        }
        res.map_err(engine_error)?;
        self.encoded = Some(encoding);
        let mut out = Vec::new();
        for seg in self.state.as_iter() {
            let eot = self._ctx.token_eot();
            // Special tokens (timestamps, language, end of text) are not text.
            let (tokens, mean_logp) = whole_characters(
                (0..seg.n_tokens())
                    .filter_map(|i| seg.get_token(i))
                    .filter(|tok| tok.token_data().id < eot)
                    .filter_map(|tok| Some((tok.to_bytes().ok()?.to_vec(), tok.token_data().p))),
            );
            let text = join_tokens(&tokens);
            // Whisper's own silence rule: likely no speech and an unsure decode. Under a
            // constraint the token probabilities are the constraint's, so the caller judges
            // from the hypotheses and the no-speech probability instead.
            if text.is_empty()
                || (constrained.is_none()
                    && seg.no_speech_probability() > opts.no_speech_threshold
                    && mean_logp < -1.0)
            {
                continue;
            }
            // Whisper's timestamps can run past the audio into the context's margin; a span
            // points into the evidence recording, so it ends where the audio does.
            let at = |centiseconds: i64| (base_ms + centiseconds.max(0) as u64 * 10).min(end_ms);
            out.push(Segment {
                start_ms: at(seg.start_timestamp()),
                end_ms: at(seg.end_timestamp()),
                text,
                tokens,
            });
        }
        let scores = if opts.score_texts.is_empty() {
            Vec::new()
        } else {
            self.score_texts(opts)?
        };
        let extras = match constrained {
            Some(c) => WindowExtras {
                scores,
                short_voice,
                snr_db: crate::audio::snr_db(samples),
                no_speech: Some({
                    let prompt = self.prompt(opts)?;
                    let threads = self.decoder_threads(opts);
                    self.no_speech(&prompt, threads)?
                }),
                hypotheses: c
                    .into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .hypotheses(),
            },
            None => WindowExtras {
                scores,
                ..WindowExtras::default()
            },
        };
        Ok((out, extras))
    }

    /// Scores each of `opts.score_texts` (as written after a space) by teacher forcing on the encoding that the last
    /// `whisper_full` left in the state: the prompt that call used (initial prompt, start of
    /// transcript, language, transcribe, no timestamps), then the text's tokens one per decoder
    /// call. whisper.cpp's `whisper_decode_with_state` computes logits for the last token of a
    /// call only, and frees the cells of its sequence (0) from `n_past` on, so each call extends
    /// the text by one token on the cached prefix. Texts are scored in token order so that one
    /// that shares a prefix with the one before reuses that prefix's rows.
    fn score_texts(&mut self, opts: &DecodeOptions) -> Result<Vec<TextScore>> {
        let prompt = self.prompt(opts)?;
        let ctx = &self._ctx;
        let eot = ctx.token_eot();
        let n_text_ctx = usize::try_from(ctx.n_text_ctx()).unwrap_or(448);
        let room = n_text_ctx.saturating_sub(prompt.len() + 1);
        let mut texts: Vec<(usize, Vec<i32>)> = Vec::new();
        for (i, text) in opts.score_texts.iter().enumerate() {
            // As whisper writes the start of a transcript: after a space (on "14 นาฬิกา 30
            // นาที" said, the text with it scored -19.5, without it -20.8).
            let tokens = if text.contains('\0') {
                Vec::new()
            } else {
                ctx.tokenize(&format!(" {}", text.trim_start()), room)
                    .map_err(engine_error)?
            };
            texts.push((i, tokens));
        }
        texts.sort_by(|a, b| a.1.cmp(&b.1));
        let threads = self.decoder_threads(opts);
        let n_vocab = eot as usize + 1;
        // rows[k]: log-probabilities over the text tokens and end-of-text after the first k
        // tokens of `done` (the text scored last).
        let mut rows: Vec<Vec<f32>> = Vec::new();
        let mut done: Vec<i32> = Vec::new();
        let mut scores = vec![None; texts.len()];
        for (i, tokens) in texts {
            if tokens.is_empty() || tokens.iter().any(|&t| t < 0 || t >= eot) {
                scores[i] = Some(TextScore {
                    text: opts.score_texts[i].clone(),
                    logp: f32::NEG_INFINITY,
                    tokens: 0,
                });
                continue;
            }
            let shared = done
                .iter()
                .zip(&tokens)
                .take_while(|(a, b)| a == b)
                .count()
                .min(rows.len().saturating_sub(1));
            if rows.is_empty() {
                // The logits of a call's last token land in the row of its position in the call,
                // and only row 0 can be read: the prompt's last token goes alone.
                let last = prompt.len() - 1;
                feed(&mut self.state, &prompt[..last], 0, threads)?;
                feed(&mut self.state, &prompt[last..], last, threads)?;
                rows.push(log_softmax(
                    self.state.get_logits().map_err(engine_error)?,
                    n_vocab,
                ));
            } else {
                rows.truncate(shared + 1);
            }
            for k in shared..tokens.len() {
                feed(&mut self.state, &tokens[k..=k], prompt.len() + k, threads)?;
                rows.push(log_softmax(
                    self.state.get_logits().map_err(engine_error)?,
                    n_vocab,
                ));
            }
            let logp = tokens
                .iter()
                .enumerate()
                .map(|(k, &t)| rows[k][t as usize])
                .sum::<f32>()
                + rows[tokens.len()][eot as usize];
            done = tokens;
            scores[i] = Some(TextScore {
                text: opts.score_texts[i].clone(),
                logp,
                tokens: done.len(),
            });
        }
        Ok(scores.into_iter().flatten().collect())
    }

    /// The decoder's prompt as `whisper_full` writes it for these options: the initial prompt
    /// after "previous" (its last n_text_ctx / 2 - 1 tokens), then start of transcript,
    /// language, transcribe, no timestamps.
    fn prompt(&self, opts: &DecodeOptions) -> Result<Vec<i32>> {
        let ctx = &self._ctx;
        let lang = Some(opts.language.as_str())
            .filter(|l| !l.contains('\0'))
            .and_then(whisper_rs::get_lang_id)
            .ok_or_else(|| SpeechError::Engine(format!("unknown language {}", opts.language)))?;
        let n_text_ctx = usize::try_from(ctx.n_text_ctx()).unwrap_or(448);
        let mut prompt = Vec::new();
        if let Some(initial) = opts.initial_prompt.as_deref().filter(|s| !s.is_empty()) {
            let tokens = ctx.tokenize(initial, n_text_ctx).map_err(engine_error)?;
            // whisper_full keeps the prompt's last n_text_ctx / 2 - 1 tokens after "previous".
            let keep = tokens.len().min((n_text_ctx / 2).saturating_sub(1));
            prompt.push(ctx.token_prev());
            prompt.extend_from_slice(&tokens[tokens.len() - keep..]);
        }
        prompt.extend([
            ctx.token_sot(),
            ctx.token_lang(lang),
            ctx.token_transcribe(),
            ctx.token_not(),
        ]);
        Ok(prompt)
    }

    /// Whisper's probability that the audio encoded in the state holds no speech, read where
    /// the model was taught to write "no speech": right after "start of transcript", over the
    /// whole vocabulary, unfiltered. (OpenAI's whisper reads it there; whisper.cpp reads it at
    /// the end of its prompt, and after "no timestamps", as a field's decode has it, the model
    /// all but rules silence out: 4e-6 on two seconds of it, against 0.91 here.) Leaves the
    /// decoder fed with `prompt` up to "start of transcript".
    fn no_speech(&mut self, prompt: &[i32], threads: usize) -> Result<f32> {
        let sot = prompt.len() - PROMPT_TAIL;
        feed(&mut self.state, &prompt[..sot], 0, threads)?;
        feed(&mut self.state, &prompt[sot..=sot], sot, threads)?;
        let logits = self.state.get_logits().map_err(engine_error)?;
        let nosp = usize::try_from(self._ctx.token_nosp()).unwrap_or(usize::MAX);
        let lse = log_sum_exp(logits.iter().copied());
        Ok(logits.get(nosp).map_or(0.0, |l| (l - lse).exp()))
    }

    fn decoder_threads(&mut self, opts: &DecodeOptions) -> usize {
        usize::try_from(self.cpu.threads(opts.threads))
            .unwrap_or(1)
            .max(1)
    }

    /// Free dictation read off the encoding the last `whisper_full` left in the state, taking
    /// the likeliest token at each step (greedy): a second reading of an utterance just decoded
    /// under a field's constraint then costs the decoder's steps, not another encoding. The
    /// prompt is [`Engine::prompt`]'s; the filter free dictation's (text tokens without Latin
    /// letters or non-speech symbols, end-of-text not first, a repetition loop ended);
    /// whisper's silence rule drops a likely silence read unsurely. One segment spanning `span`
    /// (ms).
    fn read_encoding(
        &mut self,
        opts: &DecodeOptions,
        span: (u64, u64),
        cancel: &AtomicBool,
    ) -> Result<Vec<Segment>> {
        let prompt = self.prompt(opts)?;
        let threads = self.decoder_threads(opts);
        let no_speech = self.no_speech(&prompt, threads)?;
        let eot = self._ctx.token_eot();
        let room = usize::try_from(self._ctx.n_text_ctx() / 2)
            .unwrap_or(224)
            .saturating_sub(prompt.len());
        let unwritten = self
            .unwritten
            .get_or_insert_with(|| unwritten_tokens(&self._ctx));
        // As in `score_texts`, only row 0 of a call's logits can be read: the prompt's last
        // token goes alone.
        let (sot, last) = (prompt.len() - PROMPT_TAIL, prompt.len() - 1);
        feed(&mut self.state, &prompt[sot + 1..last], sot + 1, threads)?;
        feed(&mut self.state, &prompt[last..], last, threads)?;
        let mut ids: Vec<i32> = Vec::new();
        let mut pieces = Vec::new();
        while ids.len() < room {
            if cancel.load(Ordering::Relaxed) {
                return Err(SpeechError::Cancelled);
            }
            let logits = self.state.get_logits().map_err(engine_error)?;
            let looping = loop_at_end(&ids).is_some();
            let allowed = |id: usize| {
                if id == eot as usize {
                    !ids.is_empty()
                } else {
                    !looping && !unwritten.get(id).copied().unwrap_or(true)
                }
            };
            let row = &logits[..=(eot as usize).min(logits.len() - 1)];
            let lse = log_sum_exp(
                row.iter()
                    .enumerate()
                    .filter(|(id, _)| allowed(*id))
                    .map(|(_, l)| *l),
            );
            let Some((best, logit)) = row
                .iter()
                .enumerate()
                .filter(|(id, _)| allowed(*id))
                .max_by(|a, b| a.1.total_cmp(b.1))
            else {
                break;
            };
            if best == eot as usize {
                break;
            }
            let id = best as i32;
            let bytes = self._ctx.token_to_bytes(id).map_err(engine_error)?.to_vec();
            pieces.push((bytes, (logit - lse).exp()));
            ids.push(id);
            feed(
                &mut self.state,
                &[id],
                prompt.len() + ids.len() - 1,
                threads,
            )?;
        }
        let (tokens, mean_logp) = whole_characters(pieces.into_iter());
        let text = join_tokens(&tokens);
        if text.is_empty() || (no_speech > opts.no_speech_threshold && mean_logp < -1.0) {
            return Ok(Vec::new());
        }
        Ok(vec![Segment {
            start_ms: span.0,
            end_ms: span.1,
            text,
            tokens,
        }])
    }

    /// A fresh state of constrained decoding under `constraint` (the vocabulary's bytes are
    /// read once per engine).
    fn constrained(&mut self, constraint: &Constraint) -> Constrained {
        let ctx = &self._ctx;
        let vocab = self
            .vocab
            .get_or_insert_with(|| std::sync::Arc::new(text_token_bytes(ctx)))
            .clone();
        Constrained::new(constraint.clone(), vocab, ctx.token_eot())
    }

    /// The texts of `constraint`'s language the model believes most on the encoding the last
    /// `whisper_full` left, by its own log-probabilities: a beam search (`opts.beam_size` beams)
    /// over the tokens the constraint allows, each scored against everything the model could
    /// have written. Under whisper's constrained beam search the allowed tokens share all the
    /// probability, so a text whose later tokens are forced (one uncertain "ศ", then "ูนย์")
    /// costs almost nothing past its first token and beats the word that was said: "ศูนย์" at
    /// -4.8 per token by the model's own measure won over "ยี่สิบเจ็ด" at -2.1. As OpenAI's
    /// whisper searches: end-of-text competes with the other tokens for the beams, a text that
    /// ends is finished, and the search stops once `opts.beam_size` texts are (longer texts
    /// the grammar allows, "เก้าพันเก้าร้อยเก้าสิบเก้า" for "ศูนย์" said, are not chased).
    /// Each hypothesis's `logp` and `raw_logp` are that belief (text and end-of-text), best
    /// per token (with the end) first, as whisper ranks its beams. Beams are visited in token
    /// order, so that one shares the decoder's cached prefix with the one before.
    fn search_encoding(
        &mut self,
        opts: &DecodeOptions,
        constraint: &Constraint,
        cancel: &AtomicBool,
    ) -> Result<Vec<Hypothesis>> {
        let prompt = self.prompt(opts)?;
        let threads = self.decoder_threads(opts);
        let eot = self._ctx.token_eot();
        let room = usize::try_from(self._ctx.n_text_ctx() / 2)
            .unwrap_or(224)
            .saturating_sub(prompt.len());
        let width = usize::try_from(opts.beam_size).unwrap_or(1).max(1);
        let mut constrained = self.constrained(constraint);
        let vocab = constrained.vocab.clone();
        let last = prompt.len() - 1;
        feed(&mut self.state, &prompt[..last], 0, threads)?;
        // (tokens, matcher state, log-probability so far)
        let mut beams = vec![(Vec::<i32>::new(), constrained.matcher.start(), 0.0f32)];
        // The text tokens the decoder holds after the prompt.
        let mut fed: Vec<i32> = Vec::new();
        let mut finished: Vec<Hypothesis> = Vec::new();
        while !beams.is_empty() && finished.len() < width {
            if cancel.load(Ordering::Relaxed) {
                return Err(SpeechError::Cancelled);
            }
            beams.sort_by(|a, b| a.0.cmp(&b.0));
            // (tokens, state, log-probability; no state: the text ended)
            let mut candidates = Vec::new();
            for (tokens, state, logp) in beams {
                // Only the logits of a call's only token can be read (a call's last token's
                // land in the row of its place in the call, and row 0 is the one read): what
                // the decoder does not hold of this beam before its last token goes in one call,
                // the last token (the prompt's last for the empty text) in one of its own.
                let shared = fed.iter().zip(&tokens).take_while(|(a, b)| a == b).count();
                match tokens.split_last() {
                    None => feed(&mut self.state, &prompt[last..], last, threads)?,
                    Some((&newest, before)) => {
                        let from = shared.min(before.len());
                        feed(
                            &mut self.state,
                            &before[from..],
                            prompt.len() + from,
                            threads,
                        )?;
                        feed(
                            &mut self.state,
                            &[newest],
                            prompt.len() + before.len(),
                            threads,
                        )?;
                    }
                }
                let row = log_softmax(
                    self.state.get_logits().map_err(engine_error)?,
                    eot as usize + 1,
                );
                if constrained.matcher.accepting(state) && !tokens.is_empty() {
                    candidates.push((tokens.clone(), None, logp + row[eot as usize]));
                }
                if tokens.len() < room {
                    for id in constrained.allowed_in(state).to_vec() {
                        if let Some(to) = constrained.matcher.feed(state, &vocab[id as usize]) {
                            let mut t = tokens.clone();
                            t.push(id as i32);
                            candidates.push((t, Some(to), logp + row[id as usize]));
                        }
                    }
                }
                fed = tokens;
            }
            candidates.sort_by(|a, b| b.2.total_cmp(&a.2));
            beams = Vec::new();
            for (tokens, state, logp) in candidates {
                if beams.len() >= width {
                    break;
                }
                match state {
                    Some(state) => beams.push((tokens, state, logp)),
                    None => {
                        let text: Vec<u8> = tokens
                            .iter()
                            .flat_map(|&id| vocab[id as usize].iter().copied())
                            .collect();
                        finished.push(Hypothesis {
                            text: String::from_utf8_lossy(&text).trim().to_string(),
                            logp,
                            raw_logp: logp,
                            tokens: tokens.len(),
                        });
                    }
                }
            }
        }
        let per_token = |h: &Hypothesis| h.logp / (h.tokens as f32 + 1.0);
        finished.sort_by(|a, b| per_token(b).total_cmp(&per_token(a)));
        Ok(finished)
    }
}

/// The tokens that end every prompt ([`Engine::prompt`]): start of transcript, language,
/// transcribe, no timestamps.
const PROMPT_TAIL: usize = 4;

/// A decoder state for `ctx`: buffers, caches and the beam search's generators, all fresh.
fn new_state(ctx: &WhisperContext) -> Result<WhisperState> {
    ctx.create_state()
        .map_err(|e| SpeechError::Engine(format!("cannot create decoder state: {e}")))
}

fn engine_error(e: whisper_rs::WhisperError) -> SpeechError {
    SpeechError::Engine(e.to_string())
}

/// Feeds `tokens` to the decoder at position `at` of its text (nothing when there are none).
fn feed(state: &mut WhisperState, tokens: &[i32], at: usize, threads: usize) -> Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    state.decode(tokens, at, threads).map_err(engine_error)
}

/// Tokens as whole characters, and the mean log-probability per token: Thai characters are 3
/// bytes and a token may end mid-character, so tokens are joined until their bytes are whole
/// characters, keeping the least sure probability; a repetition loop is cut
/// ([`collapse_repetition`]).
fn whole_characters(pieces: impl Iterator<Item = (Vec<u8>, f32)>) -> (Vec<Token>, f32) {
    let mut tokens = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_p = 1.0f32;
    let (mut logp_sum, mut n) = (0.0f32, 0usize);
    for (bytes, p) in pieces {
        logp_sum += p.max(1e-6).ln();
        n += 1;
        pending.extend_from_slice(&bytes);
        pending_p = pending_p.min(p);
        if let Ok(text) = std::str::from_utf8(&pending) {
            if !text.is_empty() {
                tokens.push(Token {
                    text: text.to_string(),
                    p: pending_p,
                });
            }
            pending.clear();
            pending_p = 1.0;
        }
    }
    collapse_repetition(&mut tokens);
    let mean_logp = if n > 0 {
        logp_sum / n as f32
    } else {
        f32::NEG_INFINITY
    };
    (tokens, mean_logp)
}

fn join_tokens(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<String>()
        .trim()
        .to_string()
}

/// Log-softmax of the first `n` logits (the text tokens and end-of-text).
fn log_softmax(logits: &[f32], n: usize) -> Vec<f32> {
    let row = &logits[..n.min(logits.len())];
    let lse = log_sum_exp(row.iter().copied());
    row.iter().map(|l| l - lse).collect()
}

/// A fingerprint of the audio an encoding was made of and of the encoder's context for it
/// (`None`: the full 30 s).
fn encoding_key(audio: &[f32], audio_ctx: Option<usize>) -> u64 {
    let bits = audio
        .iter()
        .map(|s| s.to_bits())
        .chain(std::iter::once(audio_ctx.map_or(u32::MAX, |f| f as u32)));
    bits.fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Whisper's non-speech symbols (its `suppress_nst` list), written alone or after a space.
const NON_SPEECH: &[&str] = &[
    "\"",
    "#",
    "(",
    ")",
    "*",
    "+",
    "/",
    ":",
    ";",
    "<",
    "=",
    ">",
    "@",
    "[",
    "\\",
    "]",
    "^",
    "_",
    "`",
    "{",
    "|",
    "}",
    "~",
    "「",
    "」",
    "『",
    "』",
    "<<",
    ">>",
    "<<<",
    ">>>",
    "--",
    "---",
    "-(",
    "-[",
    "('",
    "(\"",
    "((",
    "))",
    "(((",
    ")))",
    "[[",
    "]]",
    "{{",
    "}}",
    "♪♪",
    "♪♪♪",
    "♩",
    "♪",
    "♫",
    "♬",
    "♭",
    "♮",
    "♯",
];

/// Which text tokens (ids below end-of-text) free dictation never writes: those in another
/// script than Thai ([`foreign_script`]), and whisper's non-speech symbols (which `whisper_full`
/// suppresses itself; a greedy reading off an encoding must too: over silence it wrote
/// "[เสียงดนตรี]").
fn unwritten_tokens(ctx: &WhisperContext) -> Vec<bool> {
    (0..ctx.token_eot())
        .map(|id| {
            ctx.token_to_bytes(id).is_ok_and(|b| {
                foreign_script(b)
                    || NON_SPEECH
                        .iter()
                        .any(|s| b == s.as_bytes() || b.strip_prefix(b" ") == Some(s.as_bytes()))
            })
        })
        .collect()
}

/// Whether a token's bytes begin a character of another script than Thai: a Latin letter, or
/// any character outside ASCII, the Thai block (U+0E00–U+0E7F: E0 B8 xx, E0 B9 xx in UTF-8)
/// and general punctuation (U+2000–U+207F: E2 80 xx, E2 81 xx; dashes, quotes, ellipsis). Base
/// writes Thai sounds in Latin letters ("13.Nalika 52.Nathi") and numbers in Chinese ("四十"
/// for สี่สิบ), which neither the extractor nor the reading by sound can use. A token may hold
/// part of a character: its leading continuation bytes belong to a character the token before
/// began (judged there), and a lead byte E0 or E2 at its end is let through.
fn foreign_script(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| {
        let next = bytes.get(i + 1).copied();
        match b {
            0x00..=0x7f => b.is_ascii_alphabetic(),
            0x80..=0xbf => false,
            0xe0 => next.is_some_and(|n| n != 0xb8 && n != 0xb9),
            0xe2 => next.is_some_and(|n| n > 0x81),
            _ => true,
        }
    })
}

/// The bytes of every text token (ids below end-of-text).
fn text_token_bytes(ctx: &WhisperContext) -> Vec<Vec<u8>> {
    (0..ctx.token_eot())
        .map(|id| {
            ctx.token_to_bytes(id)
                .map(<[u8]>::to_vec)
                .unwrap_or_default()
        })
        .collect()
}

/// The state of constrained decoding during one `whisper_full` call.
struct Constrained {
    matcher: Matcher,
    vocab: std::sync::Arc<Vec<Vec<u8>>>,
    /// Text tokens by their first byte.
    by_first: Vec<Vec<u32>>,
    eot: i32,
    /// Text tokens allowed in each state of the matcher.
    allowed: HashMap<u32, Vec<u32>>,
    /// For each token prefix (by hash): log of the share of the model's probability that the
    /// constraint allowed at that step.
    mass: HashMap<u64, f32>,
    /// Complete texts reached: text bytes → hypothesis (best score kept).
    found: HashMap<Vec<u8>, Hypothesis>,
}

fn prefix_hash(ids: &[i32]) -> u64 {
    // FNV-1a over the token ids.
    ids.iter().fold(0xcbf29ce484222325u64, |h, id| {
        (h ^ (*id as u32 as u64)).wrapping_mul(0x100000001b3)
    })
}

fn log_sum_exp(values: impl Iterator<Item = f32>) -> f32 {
    let v: Vec<f32> = values.filter(|x| x.is_finite()).collect();
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return f32::NEG_INFINITY;
    }
    max + v.iter().map(|x| (x - max).exp()).sum::<f32>().ln()
}

impl Constrained {
    fn new(constraint: Constraint, vocab: std::sync::Arc<Vec<Vec<u8>>>, eot: i32) -> Self {
        Constrained {
            matcher: Matcher::new(constraint),
            vocab,
            by_first: Vec::new(),
            eot,
            allowed: HashMap::new(),
            mass: HashMap::new(),
            found: HashMap::new(),
        }
    }

    fn allowed_in(&mut self, state: u32) -> &[u32] {
        if self.by_first.is_empty() {
            self.by_first = vec![Vec::new(); 256];
            for (id, bytes) in self.vocab.iter().enumerate() {
                if let Some(&b) = bytes.first() {
                    self.by_first[b as usize].push(id as u32);
                }
            }
        }
        if !self.allowed.contains_key(&state) {
            let mut ids = Vec::new();
            for b in 0..=255u8 {
                let Some(next) = self.matcher.step(state, b) else {
                    continue;
                };
                for &id in &self.by_first[b as usize] {
                    let bytes = &self.vocab[id as usize][1..];
                    if self.matcher.feed(next, bytes).is_some() {
                        ids.push(id);
                    }
                }
            }
            self.allowed.insert(state, ids);
        }
        self.allowed
            .get(&state)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Masks `logits` for the decoder whose text so far is `tokens` (id, constrained log-prob).
    fn filter(&mut self, tokens: &[(i32, f32)], logits: &mut [f32]) {
        let eot = self.eot as usize;
        let ids: Vec<i32> = tokens.iter().map(|t| t.0).collect();
        let mut state = Some(self.matcher.start());
        for &id in &ids {
            let bytes = self.vocab.get(id as usize).cloned().unwrap_or_default();
            state = state.and_then(|s| self.matcher.feed(s, &bytes));
        }
        let lse_all = log_sum_exp(logits.iter().take(eot + 1).copied());
        let Some(state) = state else {
            // Cannot happen (every allowed token keeps the text completable); end the text.
            for (i, l) in logits.iter_mut().enumerate() {
                if i != eot {
                    *l = f32::NEG_INFINITY;
                }
            }
            return;
        };
        let accepting = self.matcher.accepting(state);
        let allowed = self.allowed_in(state).to_vec();
        let mut keep = vec![false; logits.len()];
        for id in allowed {
            keep[id as usize] = true;
        }
        if accepting && eot < keep.len() {
            keep[eot] = true;
        }
        for (l, k) in logits.iter_mut().zip(&keep) {
            if !k {
                *l = f32::NEG_INFINITY;
            }
        }
        let lse_allowed = log_sum_exp(logits.iter().copied());
        self.mass.insert(prefix_hash(&ids), lse_allowed - lse_all);
        if accepting && eot < logits.len() && logits[eot].is_finite() {
            let logp = tokens.iter().map(|t| t.1).sum::<f32>() + logits[eot] - lse_allowed;
            let raw = (0..tokens.len())
                .map(|i| tokens[i].1 + self.mass.get(&prefix_hash(&ids[..i])).unwrap_or(&0.0))
                .sum::<f32>()
                + logits[eot]
                - lse_all;
            let bytes: Vec<u8> = ids
                .iter()
                .flat_map(|&id| self.vocab.get(id as usize).cloned().unwrap_or_default())
                .collect();
            let hyp = Hypothesis {
                text: String::from_utf8_lossy(&bytes).trim().to_string(),
                logp,
                raw_logp: raw,
                tokens: ids.len(),
            };
            let better = self.found.get(&bytes).is_none_or(|h| h.logp < logp);
            if better {
                self.found.insert(bytes, hyp);
            }
        }
    }

    /// The complete texts, best (highest constrained score) first.
    fn hypotheses(self) -> Vec<Hypothesis> {
        let mut v: Vec<Hypothesis> = self.found.into_values().collect();
        v.sort_by(|a, b| b.logp.total_cmp(&a.logp));
        v
    }
}

/// Whisper's logits filter under a constraint: only tokens that keep the text a prefix of the
/// field's language, end-of-text only where the text is complete (stock whisper.cpp would let
/// the model stop early). Records every complete text a beam reaches, with its scores.
unsafe extern "C" fn constrained_filter(
    ctx: *mut whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs_sys::whisper_state,
    tokens: *const whisper_rs_sys::whisper_token_data,
    n_tokens: std::os::raw::c_int,
    logits: *mut f32,
    user_data: *mut c_void,
) {
    if ctx.is_null() || logits.is_null() || user_data.is_null() {
        return;
    }
    // SAFETY: whisper passes the decoder's `n_tokens` tokens so far (none at the first step)
    // and its logits over the whole vocabulary; `user_data` is the `Mutex<Constrained>` that
    // `transcribe_window_with` set, alive during `whisper_full`.
    let (toks, logits, shared) = unsafe {
        let toks: Vec<(i32, f32)> = if tokens.is_null() || n_tokens <= 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(tokens, n_tokens as usize)
                .iter()
                .map(|t| (t.id, t.plog))
                .collect()
        };
        let n_vocab = whisper_rs_sys::whisper_n_vocab(ctx).max(0) as usize;
        (
            toks,
            std::slice::from_raw_parts_mut(logits, n_vocab),
            &*(user_data as *const Mutex<Constrained>),
        )
    };
    let mut c = shared.lock().unwrap_or_else(|e| e.into_inner());
    // Only text tokens are text; whisper's own special tokens (none with no timestamps) skip.
    let text: Vec<(i32, f32)> = toks.into_iter().filter(|t| t.0 < c.eot).collect();
    c.filter(&text, logits);
}

/// Where the voice activity detection heard speech in a window (samples, padded).
struct Speech {
    start: usize,
    end: usize,
    /// Heard only as a burst of voice too short for the detection's own rule.
    short: bool,
}

/// Silero's probability of voice at which a burst too short for whisper.cpp's rule (250 ms of
/// speech) still counts as speech where `short_words` are asked for: "แปด" said alone (a 0.68 s
/// clip) peaked at 0.90 for two 32 ms frames and was dropped; white, pink and brown noise, their
/// bursts, mains hum, clicks, a knock and a cough-like band of noise peaked at 0.30 at most.
pub const SHORT_VOICE_PEAK: f32 = 0.8;

/// Below this probability a burst of voice has ended (Silero's own hysteresis: its threshold
/// less 0.15).
const VOICE_ENDS: f32 = 0.35;

/// The stretch of `samples` that holds speech, by Silero's rule; with `short_words`, failing
/// that, the burst around a frame of at least [`SHORT_VOICE_PEAK`]; `None` for silence.
fn speech_span(
    vad: &mut WhisperVadContext,
    samples: &[f32],
    short_words: bool,
) -> Result<Option<Speech>> {
    let segs = vad
        .segments_from_samples(WhisperVadParams::default(), samples)
        .map_err(|e| SpeechError::Engine(format!("voice activity detection failed: {e}")))?;
    let mut span: Option<(usize, usize)> = None;
    for s in segs {
        // VAD timestamps are in centiseconds.
        let a = (s.start.max(0.0) as usize) * (RATE as usize / 100);
        let b = (s.end.max(0.0) as usize) * (RATE as usize / 100);
        span = Some(match span {
            None => (a, b),
            Some((x, y)) => (x.min(a), y.max(b)),
        });
    }
    let short = span.is_none();
    if short && short_words {
        span = short_burst(vad.probabilities(), samples.len());
    }
    Ok(span.map(|(a, b)| Speech {
        start: a.saturating_sub(VAD_PAD),
        end: (b + VAD_PAD).min(samples.len()),
        short,
    }))
}

/// The samples of the burst of voice around the likeliest frame of `probs` (one per equal
/// stretch of `len` samples), if that frame reaches [`SHORT_VOICE_PEAK`].
fn short_burst(probs: &[f32], len: usize) -> Option<(usize, usize)> {
    let (peak, p) = probs.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    if *p < SHORT_VOICE_PEAK {
        return None;
    }
    let first = probs[..peak]
        .iter()
        .rposition(|p| *p < VOICE_ENDS)
        .map_or(0, |i| i + 1);
    let last = probs[peak..]
        .iter()
        .position(|p| *p < VOICE_ENDS)
        .map_or(probs.len(), |i| peak + i);
    let frame = len.div_ceil(probs.len());
    Some((first * frame, (last * frame).min(len)))
}

/// Where to end a window: the quietest 100 ms between MIN_WINDOW and MAX_WINDOW, so a word is
/// rarely cut in two.
fn quietest_cut(buf: &[f32]) -> usize {
    let frame = RATE as usize / 10;
    let end = buf.len().min(MAX_WINDOW);
    let mut best = (f32::MAX, end);
    let mut at = MIN_WINDOW.min(end.saturating_sub(frame));
    while at + frame <= end {
        let energy: f32 = buf[at..at + frame].iter().map(|s| s * s).sum();
        if energy < best.0 {
            best = (energy, at + frame / 2);
        }
        at += frame / 2;
    }
    best.1.max(1)
}

/// A run of 1–12 tokens repeated more than this many times in a row is a repetition loop.
const MAX_REPEATS: usize = 3;

/// How many times a unit of `n` tokens may follow itself before it counts as a loop.
/// Single characters legitimately repeat a little ("ๆ", digits): demand more of them.
fn repeat_limit(n: usize) -> usize {
    if n == 1 {
        MAX_REPEATS + 2
    } else {
        MAX_REPEATS
    }
}

/// The length of the unit that `items` ends repeating in a loop, if it does.
fn loop_at_end<T: PartialEq>(items: &[T]) -> Option<usize> {
    (1..=12).find(|&n| {
        let span = (repeat_limit(n) + 1) * n;
        span <= items.len() && {
            let tail = &items[items.len() - span..];
            (n..span).all(|i| tail[i] == tail[i % n])
        }
    })
}

/// Cuts a repetition loop: when a run of 1–12 tokens repeats more than 3 times in a row, keep
/// the first occurrence and drop the rest of the segment (the decoder is lost from there on).
pub fn collapse_repetition(tokens: &mut Vec<Token>) {
    let texts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    // The first place where a loop has run its course, then back to its first copy.
    let found = (1..=texts.len())
        .find_map(|end| loop_at_end(&texts[..end]).map(|n| end - (repeat_limit(n) + 1) * n + n));
    if let Some(keep) = found {
        tokens.truncate(keep);
    }
}

/// Whisper's logits filter for free dictation: no token it never writes (`user_data`:
/// [`unwritten_tokens`]), and once the decoder is caught in a repetition loop, only end-of-text may follow,
/// so a loop ends after a few copies instead of running to the context's end (at beam 5 on two
/// cores that was seconds of wasted decoding per loop). The copies it did write are removed
/// afterwards by [`collapse_repetition`].
unsafe extern "C" fn free_dictation_filter(
    ctx: *mut whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs_sys::whisper_state,
    tokens: *const whisper_rs_sys::whisper_token_data,
    n_tokens: std::os::raw::c_int,
    logits: *mut f32,
    user_data: *mut c_void,
) {
    if ctx.is_null() || logits.is_null() {
        return;
    }
    // SAFETY: `user_data` is the `Vec<bool>` set with this callback, alive during the
    // `whisper_full` call that invokes it; `logits` spans the whole vocabulary.
    if let Some(unwritten) = unsafe { (user_data as *const Vec<bool>).as_ref() } {
        let n_vocab = unsafe { whisper_rs_sys::whisper_n_vocab(ctx) }.max(0) as usize;
        let logits = unsafe { std::slice::from_raw_parts_mut(logits, n_vocab) };
        for (l, _) in logits.iter_mut().zip(unwritten).filter(|(_, &is)| is) {
            *l = f32::NEG_INFINITY;
        }
    }
    if tokens.is_null() || n_tokens <= 0 {
        return;
    }
    // SAFETY: whisper passes the decoder's `n_tokens` tokens so far and its logits over the
    // whole vocabulary; both live for the duration of this call.
    let (ids, logits, eot) = unsafe {
        let ids: Vec<i32> = std::slice::from_raw_parts(tokens, n_tokens as usize)
            .iter()
            .map(|t| t.id)
            .collect();
        let n_vocab = whisper_rs_sys::whisper_n_vocab(ctx).max(0) as usize;
        (
            ids,
            std::slice::from_raw_parts_mut(logits, n_vocab),
            whisper_rs_sys::whisper_token_eot(ctx),
        )
    };
    if loop_at_end(&ids).is_some() {
        for (id, l) in logits.iter_mut().enumerate() {
            if id as i32 != eot {
                *l = f32::NEG_INFINITY;
            }
        }
    }
}

/// Drops a segment that repeats the previous one word for word (a classic hallucination).
fn drop_repeated_segments(segments: &mut Vec<Segment>) {
    segments
        .dedup_by(|later, earlier| later.text == earlier.text && later.text.chars().count() > 3);
}

fn join_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Peak resident memory of this process in kB (Linux `VmHWM`), where available.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_burst_of_voice_is_the_stretch_around_a_strong_peak() {
        // "แปด" said alone, as Silero heard it: two frames of voice.
        let word = [0.02, 0.19, 0.2, 0.18, 0.51, 0.9, 0.06, 0.1];
        assert_eq!(short_burst(&word, 8 * 512), Some((4 * 512, 6 * 512)));
        // Reaching the window's edges.
        assert_eq!(short_burst(&[0.9, 0.5, 0.2], 3 * 512), Some((0, 2 * 512)));
        assert_eq!(short_burst(&[0.2, 0.85], 1000), Some((500, 1000)));
        // The loudest noise measured (a brown noise burst), and nothing at all.
        assert_eq!(short_burst(&[0.05, 0.3, 0.2], 3 * 512), None);
        assert_eq!(short_burst(&[], 0), None);
    }

    #[test]
    fn only_thai_script_is_written_in_free_dictation() {
        for thai in ["สี่สิบ", " นาฬิกา", "๑๔.๓๐", " 14:30", "-", "…", "“"]
        {
            assert!(!foreign_script(thai.as_bytes()), "{thai}");
        }
        for foreign in ["Nalika", " Z", "四十", "é", "Москва", "한국", "ナ"] {
            assert!(foreign_script(foreign.as_bytes()), "{foreign}");
        }
        // Parts of characters: the end of a Thai one, the start of a Thai one or another.
        let sii = "สี".as_bytes();
        assert!(!foreign_script(&sii[1..]));
        assert!(!foreign_script(&sii[..1]));
        assert!(!foreign_script(&sii[..2]));
        assert!(foreign_script(&"四".as_bytes()[..1]));
        assert!(foreign_script(&[0xe0, 0xa4])); // Devanagari
        assert!(foreign_script("♪".as_bytes()));
    }

    fn toks(words: &[&str]) -> Vec<Token> {
        words
            .iter()
            .map(|w| Token {
                text: w.to_string(),
                p: 0.9,
            })
            .collect()
    }

    #[test]
    fn repetition_loop_is_cut_to_one_copy() {
        let mut t = toks(&[
            "สิบ",
            "สี่",
            "นา",
            "ฬิกา",
            "นา",
            "ฬิกา",
            "นา",
            "ฬิกา",
            "นา",
            "ฬิกา",
            "นา",
            "ฬิกา",
        ]);
        collapse_repetition(&mut t);
        let text: String = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(text, "สิบสี่นาฬิกา");
    }

    #[test]
    fn the_decoder_is_stopped_once_a_loop_has_run_its_course() {
        // Token ids as the decoder produces them: a unit of two repeated.
        let mut ids = vec![50364, 1234, 567];
        for _ in 0..MAX_REPEATS {
            ids.extend([890, 891]);
        }
        assert_eq!(
            loop_at_end(&ids),
            None,
            "up to MAX_REPEATS copies are still speech"
        );
        ids.extend([890, 891]);
        assert_eq!(loop_at_end(&ids), Some(2));
        // A digit group repeated inside an ID number is not a loop.
        assert_eq!(loop_at_end(&[7, 111, 111, 111, 111, 5]), None);
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let mut t = toks(&["สิบ", "สี่", "นา", "ฬิกา", "สาม", "สิบ", "นา", "ที"]);
        collapse_repetition(&mut t);
        assert_eq!(t.len(), 8);
    }
}
