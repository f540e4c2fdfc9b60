//! Where output lines go: standard output or a file, plain or compressed by the
//! file's extension (`.gz`, `.zst`). Compressed streams must be finished to be
//! complete, hence [`Output::finish`] rather than relying on drop.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Output compression, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// `.gz` → gzip, `.zst` → zstd, anything else plain.
    pub fn from_path(path: &Path) -> Compression {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if name.ends_with(".gz") {
            Compression::Gzip
        } else if name.ends_with(".zst") {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Refuses an output that is one of the inputs (`-` is standard input): writing it
/// would truncate the input before it is read. Files are compared by device and inode,
/// so a hard link, a symlink or another path to the same file is caught, and standard
/// input redirected from the output file too (`classify - -o f < f`).
///
/// # Errors
/// [`Error::InvalidInput`] naming both paths.
pub fn check_not_an_input(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    let Some(out) = file_identity(output) else {
        return Ok(()); // not there yet: cannot be an input
    };
    for input in inputs {
        let same = if input == Path::new("-") {
            stdin_identity() == Some(out)
        } else {
            file_identity(input) == Some(out)
        };
        if same {
            let name = super::display_name(input);
            return Err(Error::invalid(format!(
                "the output {} is the same file as the input {name}: writing it would destroy \
                 the input; choose another output file",
                output.display()
            )));
        }
    }
    Ok(())
}

/// (device, inode) of the file at `path`, following links.
#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// (device, inode) of what standard input reads (a pipe or terminal never matches a file).
#[cfg(unix)]
fn stdin_identity() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::hash::{Hash, Hasher};
    let p = path.canonicalize().ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.hash(&mut h);
    Some((0, h.finish()))
}

#[cfg(not(unix))]
fn stdin_identity() -> Option<(u64, u64)> {
    None
}

/// zstd's default level: fast enough to keep up with all cores analysing.
const ZSTD_LEVEL: i32 = 3;

pub(crate) enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::Encoder<'static, BufWriter<File>>),
}

/// A writable output; call [`Output::finish`] at the end.
pub struct Output {
    pub(crate) sink: Sink,
    name: String,
}

impl Output {
    /// Standard output (buffered, plain).
    pub fn stdout() -> Output {
        Output {
            sink: Sink::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
            name: "<stdout>".into(),
        }
    }

    /// Creates (or truncates) `path`, compressed by its extension.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file.
    pub fn create(path: &Path) -> Result<Output> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Output::wrap(file, path)
    }

    /// Wraps an open file positioned where writing continues.
    pub(crate) fn wrap(file: File, path: &Path) -> Result<Output> {
        let w = BufWriter::with_capacity(1 << 16, file);
        let sink = match Compression::from_path(path) {
            Compression::None => Sink::Plain(w),
            Compression::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::default(),
            )),
            Compression::Zstd => {
                Sink::Zstd(zstd::Encoder::new(w, ZSTD_LEVEL).map_err(|e| Error::io(path, e))?)
            }
        };
        Ok(Output {
            sink,
            name: path.display().to_string(),
        })
    }

    /// The output as named in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Ends compressed streams and flushes everything to the file.
    ///
    /// # Errors
    /// [`Error::Io`] when the last write fails (disk full …).
    pub fn finish(self) -> Result<()> {
        let name = PathBuf::from(&self.name);
        let io = |e| Error::io(&name, e);
        match self.sink {
            Sink::Stdout(mut w) => w.flush().map_err(io),
            Sink::Plain(mut w) => w.flush().map_err(io),
            Sink::Gzip(e) => e.finish().and_then(|mut w| w.flush()).map_err(io),
            Sink::Zstd(e) => e.finish().and_then(|mut w| w.flush()).map_err(io),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(w) => w.write(buf),
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
            Sink::Zstd(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Plain(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
            Sink::Zstd(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_follows_the_extension() {
        assert_eq!(
            Compression::from_path(Path::new("o.jsonl")),
            Compression::None
        );
        assert_eq!(
            Compression::from_path(Path::new("o.jsonl.GZ")),
            Compression::Gzip
        );
        assert_eq!(
            Compression::from_path(Path::new("o.jsonl.zst")),
            Compression::Zstd
        );
    }
}
