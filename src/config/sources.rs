//! The I/O of configuration: the `OVH_*` environment variables and the `ovh.conf` files.
//!
//! Like python-ovh (configparser's `read`), a candidate path that cannot be read is
//! skipped: missing, a directory (a Docker bind mount of a missing file creates one), a
//! FIFO, a tty or another device, a file without read permission. Nothing here can block:
//! a path is opened only after `stat` says it is a regular file, and opened with
//! `O_NONBLOCK` and checked again with `fstat`, so a file swapped for a FIFO in between is
//! skipped too instead of blocking the caller forever.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind, Read};
use std::path::{Path, PathBuf};

use super::{ConfigError, ConfigFile};

/// Config files larger than this are refused, so that a huge file cannot exhaust memory.
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;

/// A path the configuration may be read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The path.
    pub path: PathBuf,
    /// Whether the file is in the current directory (`./ovh.conf`): such a file may come
    /// with a cloned repository, so its endpoint is not trusted with other sources'
    /// credentials (see `ResolvedConfig::check_local_endpoint`).
    pub local: bool,
}

/// The standard chain, in increasing priority: `/etc/ovh.conf`, `$HOME/.ovh.conf` (when
/// `HOME` is set and not empty), `./ovh.conf`.
pub(crate) fn standard_candidates(home: Option<OsString>) -> Vec<Candidate> {
    let home = home
        .filter(|home| !home.is_empty())
        .map(|home| PathBuf::from(home).join(".ovh.conf"));
    [
        Some((PathBuf::from("/etc/ovh.conf"), false)),
        home.map(|path| (path, false)),
        Some((PathBuf::from("./ovh.conf"), true)),
    ]
    .into_iter()
    .flatten()
    .map(|(path, local)| Candidate { path, local })
    .collect()
}

/// Reads the process sources: the `OVH_*` environment variables and the readable regular
/// files among `/etc/ovh.conf`, `$HOME/.ovh.conf` and `./ovh.conf`, in increasing
/// priority. Feed the result to [`resolve`](super::resolve).
///
/// # Errors
/// [`ConfigError::Read`] if a regular file exceeds 1 MiB.
pub(crate) fn process_sources() -> Result<(HashMap<String, String>, Vec<ConfigFile>), ConfigError> {
    let candidates = standard_candidates(std::env::var_os("HOME"));
    sources_from(std::env::vars_os(), &candidates, read_regular_file)
}

/// [`process_sources`] over injected environment variables, candidate paths and file
/// reader (`read` answers `Ok(None)` for a path that is not a regular file).
///
/// Variable names and values are decoded lossily; only the `OVH_*` names are kept.
///
/// # Errors
/// [`ConfigError::Read`] when `read` answers [`ErrorKind::FileTooLarge`]. Any other error
/// skips the file, as configparser does.
pub(crate) fn sources_from(
    env: impl IntoIterator<Item = (OsString, OsString)>,
    candidates: &[Candidate],
    read: impl Fn(&Path) -> io::Result<Option<Vec<u8>>>,
) -> Result<(HashMap<String, String>, Vec<ConfigFile>), ConfigError> {
    let env = env
        .into_iter()
        .map(|(name, value)| (name.to_string_lossy().into_owned(), value))
        .filter(|(name, _)| name.starts_with("OVH_"))
        .map(|(name, value)| (name, value.to_string_lossy().into_owned()))
        .collect();
    let mut files = Vec::new();
    for candidate in candidates {
        match read(&candidate.path) {
            Ok(Some(bytes)) => files.push(ConfigFile {
                path: candidate.path.clone(),
                local: candidate.local,
                contents: bytes,
            }),
            Ok(None) => skipped(&candidate.path, "not a regular file"),
            Err(err) if err.kind() == ErrorKind::FileTooLarge => {
                return Err(ConfigError::Read {
                    path: candidate.path.clone(),
                    reason: format!("larger than {MAX_FILE_BYTES} bytes"),
                });
            }
            Err(err) if err.kind() == ErrorKind::NotFound => {}
            Err(err) => skipped(&candidate.path, &err.to_string()),
        }
    }
    Ok((env, files))
}

/// Records that an existing path was not read (a tracing event with the feature).
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
fn skipped(path: &Path, reason: &str) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        target: "ovh_renew",
        path = %path.display(),
        reason,
        "config file skipped"
    );
}

/// The contents of `path` if it is a regular file, `Ok(None)` if it is anything else
/// (directory, FIFO, device, socket). Never blocks: see the module documentation.
///
/// # Errors
/// The I/O error (`NotFound` for a missing file), or [`ErrorKind::FileTooLarge`] past
/// [`MAX_FILE_BYTES`].
pub(crate) fn read_regular_file(path: &Path) -> io::Result<Option<Vec<u8>>> {
    if !std::fs::metadata(path)?.is_file() {
        return Ok(None);
    }
    read_opened(path)
}

/// Opens `path` without blocking and reads it if the opened file is a regular file.
/// Separate from [`read_regular_file`] so that tests can give it what a race would: a
/// FIFO that was a regular file when `stat` looked.
pub(crate) fn read_opened(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let file = open_without_blocking(path)?;
    if !file.metadata()?.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ErrorKind::FileTooLarge.into());
    }
    Ok(Some(bytes))
}

/// Opens for reading with `O_NONBLOCK` (opening a FIFO with no writer then returns at
/// once instead of waiting for one; reads of a regular file are not affected) and
/// `O_NOCTTY` (a tty never becomes the controlling terminal).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// Opens for reading (Windows has no FIFO that `stat` reports as a regular file).
#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}
