//! The model file: everything serving needs, in one versioned file.
//!
//! Layout: the 8-byte magic `NEWSROLE`, the format version (u32, little-endian) read
//! before anything else, the SHA-256 of the payload (32 bytes), then the payload:
//! a postcard-encoded [`ModelFile`] (model meta and card, feature config, labels,
//! role weights, attribution model). The checksum turns a truncated or damaged file
//! into a clear error instead of a model that silently predicts nonsense.

use super::{Decoder, ModelMeta, RoleModel, SparseWeights};
use crate::attribution::{Attributor, PronounModel};
use crate::document::Role;
use crate::error::{Error, Result};
use crate::features::vectors::WordVectors;
use crate::features::{FeatureConfig, FEATURES_VERSION, OLDEST_FEATURES_VERSION};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 7;
/// The oldest format this build reads: format 5 is format 6 without the pronoun
/// resolver (the hand rule resolves pronouns with such a model); format 6's
/// resolver has no name-kind table (and an older feature layout, so the hand rule
/// resolves with it too until `train-entities` replaces it).
const OLDEST_READ: u32 = 5;
const MAGIC: &[u8; 8] = b"NEWSROLE";
const HEADER: usize = 8 + 4 + 32;

/// Everything stored in a model file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelFile {
    pub meta: ModelMeta,
    pub features: FeatureConfig,
    /// Role labels in weight-column order; must be quote, claim, event, background.
    pub labels: Vec<String>,
    pub roles: SparseWeights,
    /// How sentence scores become document-level role probabilities.
    pub decoder: Decoder,
    pub attribution: Attributor,
    /// Word vectors of the `embeddings` features, learned from the training texts
    /// (format 3 on).
    pub vectors: Option<WordVectors>,
    /// The trained pronoun resolver of the entity layer (format 6 on).
    pub pronouns: Option<PronounModel>,
}

/// The fields every format since 5 starts with. Postcard writes a struct as its
/// fields one after the other, so an older format is this followed by its last
/// field, if any: format 5 has no pronoun resolver, format 6 one without the
/// name-kind table ([`PronounModelV6`]).
#[derive(Deserialize)]
struct Head {
    meta: ModelMeta,
    features: FeatureConfig,
    labels: Vec<String>,
    roles: SparseWeights,
    decoder: Decoder,
    attribution: Attributor,
    vectors: Option<WordVectors>,
}

impl Head {
    fn with(self, pronouns: Option<PronounModel>) -> ModelFile {
        ModelFile {
            meta: self.meta,
            features: self.features,
            labels: self.labels,
            roles: self.roles,
            decoder: self.decoder,
            attribution: self.attribution,
            vectors: self.vectors,
            pronouns,
        }
    }
}

/// Format 6's [`PronounModel`].
#[derive(Deserialize)]
struct PronounModelV6 {
    features_version: u32,
    weights: Vec<f64>,
    threshold: f64,
    tags: Vec<(String, u8)>,
}

impl From<PronounModelV6> for PronounModel {
    fn from(p: PronounModelV6) -> Self {
        PronounModel {
            features_version: p.features_version,
            weights: p.weights,
            threshold: p.threshold,
            tags: p.tags,
            name_kinds: Vec::new(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl ModelFile {
    /// Encodes the model, header first.
    ///
    /// # Errors
    /// [`Error::Training`] if encoding fails (it should not).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let payload = postcard::to_stdvec(self)
            .map_err(|e| Error::Training(format!("encoding the model: {e}")))?;
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Writes the model atomically (temp file + rename), so a reader never sees half a file.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        let tmp = path.with_extension("model.tmp");
        std::fs::write(&tmp, &bytes).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    /// Decodes and validates a model file's bytes; `path` names it in errors.
    ///
    /// # Errors
    /// [`Error::Model`] for a file that is not a model, is of a newer format, is
    /// truncated or corrupt, or was built with other feature settings or labels.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<ModelFile> {
        let bad = |reason: String| Error::model(path, reason);
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(bad("not a newsroles model file (no NEWSROLE header)".into()));
        }
        let mut v = [0u8; 4];
        v.copy_from_slice(&bytes[8..12]);
        let version = u32::from_le_bytes(v);
        if version > FORMAT_VERSION || version == 0 {
            return Err(bad(format!(
                "model format {version}, this build reads format {FORMAT_VERSION}; use a newsroles release that matches the model"
            )));
        }
        if version < OLDEST_READ {
            return Err(bad(format!(
                "model format {version} is older than this build's format {FORMAT_VERSION}; retrain it with `newsroles train`"
            )));
        }
        if bytes.len() < HEADER {
            return Err(bad(format!(
                "truncated: {} bytes, shorter than the header",
                bytes.len()
            )));
        }
        let payload = &bytes[HEADER..];
        if Sha256::digest(payload).as_slice() != &bytes[12..HEADER] {
            return Err(bad("corrupt or truncated: checksum mismatch".into()));
        }
        let corrupt = |e: postcard::Error| bad(format!("corrupt payload: {e}"));
        let mut m: ModelFile = if version == 5 {
            postcard::from_bytes::<Head>(payload)
                .map_err(corrupt)?
                .with(None)
        } else if version == 6 {
            let (head, pronouns) =
                postcard::from_bytes::<(Head, Option<PronounModelV6>)>(payload).map_err(corrupt)?;
            head.with(pronouns.map(PronounModel::from))
        } else {
            postcard::from_bytes(payload).map_err(corrupt)?
        };
        // A pronoun resolver of another feature layout is not used (the hand rule
        // resolves), as the speaker ranker falls back to the rules; `train-entities`
        // replaces it.
        if !(OLDEST_FEATURES_VERSION..=FEATURES_VERSION).contains(&m.features.version) {
            return Err(bad(format!(
                "built with feature version {}, this build computes versions {OLDEST_FEATURES_VERSION} to {FEATURES_VERSION}",
                m.features.version
            )));
        }
        let expected: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        if m.labels != expected {
            return Err(bad(format!(
                "labels {:?}, expected {:?}",
                m.labels, expected
            )));
        }
        if m.roles.buckets != m.features.buckets() as u64 {
            return Err(bad(format!(
                "weights for {} buckets, features hash into {}",
                m.roles.buckets,
                m.features.buckets()
            )));
        }
        m.decoder.check().map_err(bad)?;
        match (&m.vectors, m.features.embeddings) {
            (Some(v), true) => v.check().map_err(bad)?,
            (None, true) => return Err(bad(
                "its features use word vectors, but it has none; retrain it with `newsroles train`"
                    .into(),
            )),
            (Some(_), false) => {
                return Err(bad("it has word vectors its features do not use".into()))
            }
            (None, false) => {}
        }
        m.meta.sha256 = hex(&Sha256::digest(bytes));
        m.meta.format_version = version;
        Ok(m)
    }

    /// Reads a model file, or the embedded default model when `path` is
    /// [`super::EMBEDDED_MODEL`].
    ///
    /// # Errors
    /// [`Error::Model`] naming the file (see [`ModelFile::from_bytes`]).
    pub fn load(path: &Path) -> Result<ModelFile> {
        if super::is_embedded(path) {
            return ModelFile::from_bytes(super::EMBEDDED_MODEL_BYTES, path);
        }
        let bytes = read_model_bytes(path)?;
        ModelFile::from_bytes(&bytes, path)
    }

    /// The featurizer this model's weights were fitted on (its settings and word vectors).
    pub fn featurizer(&self) -> crate::features::Featurizer {
        crate::features::Featurizer::with_vectors(
            self.features.clone(),
            self.vectors.clone().map(std::sync::Arc::new),
        )
    }

    /// The fitted role model, ready to score.
    ///
    /// # Errors
    /// [`Error::Model`] if the weights are inconsistent.
    pub fn role_model(&self, path: &Path) -> Result<RoleModel> {
        RoleModel::from_sparse(&self.roles).map_err(|r| Error::model(path, r))
    }
}

/// Largest model file read (the shipped one is under 2 MB).
pub const MAX_MODEL_BYTES: u64 = 512 << 20;

/// Reads a model file: a regular file only (a FIFO, a device such as `/dev/zero` or a
/// directory is refused without blocking on it), of at most [`MAX_MODEL_BYTES`].
fn read_model_bytes(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let cannot = |e: std::io::Error| Error::model(path, format!("cannot read: {e}"));
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    // Opening a FIFO for reading blocks until a writer comes; non-blocking, it does
    // not, and a regular file reads the same either way.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(Error::model(
            path,
            "not a regular file (a model is read from a file, not a pipe, device or directory)",
        ));
    }
    if meta.len() > MAX_MODEL_BYTES {
        return Err(Error::model(
            path,
            format!(
                "{} bytes, over the limit of {MAX_MODEL_BYTES} for a model file",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Bounded even if the file grows while it is read.
    file.take(MAX_MODEL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_MODEL_BYTES {
        return Err(Error::model(
            path,
            "grew over the size limit while being read",
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fit_roles, RoleParams};

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = ModelFile::load(dir.path()).map(|_| ()).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        #[cfg(unix)]
        {
            let e = ModelFile::load(Path::new("/dev/zero"))
                .map(|_| ())
                .unwrap_err();
            assert!(e.to_string().contains("not a regular file"), "{e}");
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let e = ModelFile::load(&fifo).map(|_| ()).unwrap_err();
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
    }

    fn tiny() -> ModelFile {
        let mut samples = Vec::new();
        for i in 0..20 {
            let r = Role::ALL[i % 4];
            samples.push((vec![(3 + r.index() as u32, 1.0)], r));
        }
        let features = FeatureConfig {
            buckets_log2: 8,
            embeddings: false,
            ..Default::default()
        };
        let params = RoleParams {
            alpha: 0.5,
            ..Default::default()
        }
        .check()
        .unwrap();
        let roles = fit_roles(&params, &samples, features.buckets()).unwrap();
        ModelFile {
            meta: ModelMeta {
                name: "tiny".into(),
                version: "0".into(),
                ..Default::default()
            },
            features,
            labels: Role::ALL.iter().map(|r| r.to_string()).collect(),
            roles: roles.to_sparse(),
            decoder: Decoder::default(),
            attribution: Attributor::rules(),
            vectors: None,
            pronouns: None,
        }
    }

    fn err_of(bytes: &[u8]) -> String {
        match ModelFile::from_bytes(bytes, Path::new("m.model")) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn round_trip_keeps_weights_and_predictions() {
        let m = tiny();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.model");
        m.save(&p).unwrap();
        let back = ModelFile::load(&p).unwrap();
        assert_eq!(back.roles, m.roles);
        assert_eq!(back.features, m.features);
        assert_eq!(back.meta.name, "tiny");
        assert_eq!(back.meta.sha256.len(), 64);
        let rm = back.role_model(&p).unwrap();
        assert_eq!(
            rm.predict_role(&vec![(3 + Role::Event.index() as u32, 1.0)]),
            Role::Event
        );
    }

    #[test]
    fn word_vectors_round_trip_and_must_agree_with_the_features() {
        let mut m = tiny();
        m.features.embeddings = true;
        m.vectors = Some(crate::features::vectors::toy_vectors(4));
        let back = ModelFile::from_bytes(&m.to_bytes().unwrap(), Path::new("m.model")).unwrap();
        assert_eq!(back.vectors, m.vectors);
        assert!(back.featurizer().uses_vectors());
        // Features that use vectors without any, and vectors nothing uses: refused.
        let mut none = m.clone();
        none.vectors = None;
        assert!(err_of(&none.to_bytes().unwrap()).contains("has none"));
        let mut unused = m.clone();
        unused.features.embeddings = false;
        assert!(err_of(&unused.to_bytes().unwrap()).contains("do not use"));
    }

    #[test]
    fn truncated_file_is_refused_with_its_name() {
        let b = tiny().to_bytes().unwrap();
        for cut in [0, 5, 11, 30, b.len() / 2, b.len() - 1] {
            let e = err_of(&b[..cut]);
            assert!(e.contains("m.model"), "{e}");
        }
        assert!(err_of(&b[..b.len() - 1]).contains("checksum"));
    }

    #[test]
    fn flipped_byte_is_refused() {
        let mut b = tiny().to_bytes().unwrap();
        let i = b.len() - 10;
        b[i] ^= 0x55;
        assert!(err_of(&b).contains("corrupt"));
    }

    #[test]
    fn future_version_is_refused_before_reading_further() {
        let mut b = tiny().to_bytes().unwrap();
        b[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        let e = err_of(&b);
        assert!(
            e.contains(&format!("model format {}", FORMAT_VERSION + 1)),
            "{e}"
        );
    }

    #[test]
    fn older_format_asks_for_a_retrain() {
        let mut b = tiny().to_bytes().unwrap();
        b[8..12].copy_from_slice(&(OLDEST_READ - 1).to_le_bytes());
        let e = err_of(&b);
        assert!(e.contains("older") && e.contains("retrain"), "{e}");
    }

    #[test]
    fn formats_5_and_6_read_as_before() {
        // A file of format `version` holding `payload`.
        let framed = |version: u32, payload: &[u8]| {
            let mut b = Vec::new();
            b.extend_from_slice(MAGIC);
            b.extend_from_slice(&version.to_le_bytes());
            b.extend_from_slice(&Sha256::digest(payload));
            b.extend_from_slice(payload);
            b
        };
        // Format 5 is the fields every format starts with ([`Head`]) and no more.
        let m = tiny();
        let head = postcard::to_stdvec(&(
            &m.meta,
            &m.features,
            &m.labels,
            &m.roles,
            &m.decoder,
            &m.attribution,
            &m.vectors,
        ))
        .unwrap();
        let back = ModelFile::from_bytes(&framed(5, &head), Path::new("m.model")).unwrap();
        assert!(back.pronouns.is_none());
        assert_eq!(back.roles.rows, m.roles.rows);
        // The current format keeps the resolver, name kinds included.
        let with = ModelFile {
            pronouns: Some(PronounModel {
                features_version: crate::attribution::PRONOUN_FEATURES_VERSION,
                weights: vec![0.5; crate::attribution::PRONOUN_FEATURES + 1],
                threshold: 0.3,
                tags: vec![("said".into(), 3)],
                name_kinds: vec![("china".into(), -3.5)],
            }),
            ..tiny()
        };
        let back = ModelFile::from_bytes(&with.to_bytes().unwrap(), Path::new("m.model")).unwrap();
        assert_eq!(back.pronouns, with.pronouns);
        // Format 6 is the head, then the resolver without its name-kind table
        // (postcard writes a tuple's fields one after the other).
        let p = with.pronouns.as_ref().unwrap();
        let mut payload = head;
        payload.extend(
            postcard::to_stdvec(&Some((
                &p.features_version,
                &p.weights,
                &p.threshold,
                &p.tags,
            )))
            .unwrap(),
        );
        let back = ModelFile::from_bytes(&framed(6, &payload), Path::new("m.model")).unwrap();
        let bp = back.pronouns.expect("format 6 keeps its resolver");
        assert_eq!((bp.weights, bp.tags), (p.weights.clone(), p.tags.clone()));
        assert!(bp.name_kinds.is_empty());
    }

    #[test]
    fn other_files_are_not_models() {
        assert!(err_of(b"{\"json\": true}").contains("not a newsroles model"));
    }

    #[test]
    fn mismatched_feature_space_is_refused() {
        let mut m = tiny();
        m.features.buckets_log2 = 9;
        let e = err_of(&m.to_bytes().unwrap());
        assert!(e.contains("buckets"), "{e}");
    }
}
