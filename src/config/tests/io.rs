//! Reading the config files: what is not a regular file is skipped, nothing blocks.

use std::ffi::OsString;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::*;
use crate::client::OvhClientBuilder;

/// A complete signing setup in `OVH_*` variables.
fn complete_env() -> Vec<(OsString, OsString)> {
    [
        ("OVH_ENDPOINT", "ovh-eu"),
        ("OVH_APPLICATION_KEY", "env-ak"),
        ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
        ("OVH_CONSUMER_KEY", "env-ck-s3cr3t"),
    ]
    .map(|(k, v)| (k.into(), v.into()))
    .to_vec()
}

/// A fresh directory under the system temp dir, removed when dropped.
pub(super) struct TempDir(pub PathBuf);

impl TempDir {
    pub(super) fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "ovh-renew-config-{}-{name}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Creates a FIFO at `path` with the `mkfifo` program (std has no mkfifo, and the crate
/// forbids unsafe code).
pub(super) fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Runs `f` on another thread and fails the test if it has not returned within 5 s
/// (a blocking open would otherwise hang the test run forever).
pub(super) fn within_5s<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{what}: still blocked after 5 s"))
}

fn candidates(paths: &[&Path]) -> Vec<Candidate> {
    paths
        .iter()
        .map(|path| Candidate {
            path: path.to_path_buf(),
            local: path.ends_with("ovh.conf"),
        })
        .collect()
}

#[test]
fn a_fifo_a_directory_and_a_missing_file_are_skipped_and_the_environment_is_used() {
    let dir = TempDir::new("skip");
    let fifo = dir.0.join("ovh.conf");
    mkfifo(&fifo);
    let directory = dir.0.join(".ovh.conf");
    std::fs::create_dir(&directory).unwrap();
    let missing = dir.0.join("etc-ovh.conf");
    let list = candidates(&[&missing, &directory, &fifo]);
    let (env, files) = within_5s("reading a FIFO ./ovh.conf", move || {
        sources_from(complete_env(), &list, read_regular_file)
    })
    .unwrap();
    assert!(files.is_empty(), "{files:?}");
    let config = resolve(&env, &files).unwrap();
    let client = OvhClientBuilder::from_resolved(config).build().unwrap();
    assert_eq!(client.endpoint(), &Endpoint::OvhEu);
    assert_eq!(
        client.credentials(),
        &Credentials::new("env-ak", "env-as-s3cr3t", "env-ck-s3cr3t")
    );
}

#[test]
fn a_regular_file_next_to_skipped_paths_is_still_read() {
    let dir = TempDir::new("mixed");
    let fifo = dir.0.join("fifo.conf");
    mkfifo(&fifo);
    let regular = dir.0.join("ovh.conf");
    std::fs::write(&regular, "[ovh-eu]\nconsumer_key=file-ck-s3cr3t\n").unwrap();
    let list = candidates(&[&fifo, Path::new("/dev/null"), &dir.0, &regular]);
    let (env, files) = within_5s("reading the candidates", move || {
        sources_from(complete_env(), &list, read_regular_file)
    })
    .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, regular);
    assert!(files[0].local);
    let config = resolve(&env, &files).unwrap();
    // The environment wins over the file, which was read.
    let (_, origin) = config.get(Setting::ConsumerKey).unwrap();
    assert_eq!(origin, Origin::Env("OVH_CONSUMER_KEY"));
}

#[test]
fn a_file_swapped_for_a_fifo_after_stat_does_not_block_the_open() {
    // `read_opened` is what runs after `stat` said "regular file": give it a FIFO, as a
    // swap between the two would.
    let dir = TempDir::new("race");
    let fifo = dir.0.join("ovh.conf");
    mkfifo(&fifo);
    let read = within_5s("opening a FIFO", move || read_opened(&fifo)).unwrap();
    assert_eq!(read, None);
}

#[test]
fn a_skipped_path_is_a_debug_event_with_the_reason() {
    let dir = TempDir::new("event");
    let list = candidates(&[&dir.0]);
    let events = super::values::capture(|| {
        let (_, files) = sources_from(complete_env(), &list, read_regular_file).unwrap();
        assert!(files.is_empty());
    });
    if cfg!(feature = "tracing") {
        assert!(events.contains("config file skipped"), "{events}");
        assert!(events.contains("reason=\"not a regular file\""), "{events}");
        assert!(events.contains(&*dir.0.to_string_lossy()), "{events}");
    }
    assert!(!events.contains(MARK), "{events}");
}

#[test]
fn a_tty_or_device_is_skipped_without_being_opened() {
    for device in ["/dev/tty", "/dev/zero", "/dev/null"] {
        if Path::new(device).exists() {
            let read = within_5s(device, move || read_regular_file(Path::new(device)));
            assert!(matches!(read, Ok(None)), "{device}: {read:?}");
        }
    }
}

#[test]
fn permission_denied_and_other_read_errors_skip_the_file_like_configparser() {
    // CI runs as root, where chmod 000 denies nothing: the reader is injected.
    for kind in [
        ErrorKind::PermissionDenied,
        ErrorKind::IsADirectory,
        ErrorKind::NotADirectory,
        ErrorKind::Interrupted,
        ErrorKind::InvalidData,
    ] {
        let list = candidates(&[Path::new("/etc/ovh.conf"), Path::new("./ovh.conf")]);
        let (env, files) = sources_from(complete_env(), &list, |path| {
            if path == Path::new("./ovh.conf") {
                Err(io::Error::from(kind))
            } else {
                Ok(Some(b"[ovh-eu]\napplication_key=etc-ak\n".to_vec()))
            }
        })
        .unwrap();
        assert_eq!(files.len(), 1, "{kind:?}");
        assert_eq!(files[0].path, Path::new("/etc/ovh.conf"));
        let config = resolve(&env, &files).unwrap();
        assert!(config.credentials().is_ok(), "{kind:?}");
    }
}

#[test]
fn a_file_over_one_mebibyte_is_an_error_naming_it() {
    let dir = TempDir::new("large");
    let big = dir.0.join("ovh.conf");
    std::fs::write(
        &big,
        vec![b'#'; (super::sources::MAX_FILE_BYTES + 1) as usize],
    )
    .unwrap();
    let list = candidates(&[&big]);
    let err = sources_from(complete_env(), &list, read_regular_file).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&*big.to_string_lossy()), "{message}");
    assert!(message.contains("larger than 1048576 bytes"), "{message}");
    std::fs::write(&big, vec![b'#'; super::sources::MAX_FILE_BYTES as usize]).unwrap();
    let (_, files) = sources_from(complete_env(), &list, read_regular_file).unwrap();
    assert_eq!(files.len(), 1);
}

#[test]
fn the_standard_chain_is_etc_then_home_then_the_current_directory() {
    let list = super::sources::standard_candidates(Some("/home/u".into()));
    let paths: Vec<_> = list
        .iter()
        .map(|c| (c.path.to_str().unwrap(), c.local))
        .collect();
    assert_eq!(
        paths,
        [
            ("/etc/ovh.conf", false),
            ("/home/u/.ovh.conf", false),
            ("./ovh.conf", true)
        ]
    );
    assert_eq!(
        super::sources::standard_candidates(Some("".into())).len(),
        2
    );
    assert_eq!(super::sources::standard_candidates(None).len(), 2);
}
