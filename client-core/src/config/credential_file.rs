//! Reading the small files a configuration names (kubeconfigs, CA bundles, client
//! certificates and keys, token files) without trusting them to be small files.
//!
//! A path can name `/dev/zero`, a FIFO nobody writes to, or a multi-gigabyte file; a
//! plain `fs::read` would then read forever, block forever, or exhaust memory. Every
//! such read goes through [`read_bounded`]: it refuses anything but a regular file and
//! stops one byte past a limit, and its errors name the limit, never the content.

use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::ConfigError;

/// The most a kubeconfig file may hold (kubeconfigs with many embedded CAs run to a few
/// hundred KiB; this leaves ample room).
pub const KUBECONFIG_LIMIT: u64 = 16 * 1024 * 1024;

/// The most a PEM file (CA bundle, client certificate, client key) may hold. A full
/// system CA bundle is about 200 KiB.
pub const PEM_FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// The most a token file (or the in-cluster namespace file) may hold. Servers refuse
/// header blocks beyond about 1 MiB, so a larger token could never be sent.
pub const TOKEN_FILE_LIMIT: u64 = 1024 * 1024;

/// Why [`read_bounded`] did not return a file's content.
#[derive(Debug)]
pub(crate) enum BoundedReadError {
    /// Opening or reading failed (including: the file does not exist).
    Io(std::io::Error),
    /// The path names a device, FIFO or socket (a directory is an `Io` error).
    NotRegular {
        /// What it is instead, for messages (`a character device`).
        kind: &'static str,
    },
    /// The file holds more than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

impl From<std::io::Error> for BoundedReadError {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

impl BoundedReadError {
    /// The matching [`ConfigError`], naming the file as `what` at `path`.
    pub(crate) fn into_config_error(self, what: impl Into<String>, path: &Path) -> ConfigError {
        let what = what.into();
        let path = path.to_path_buf();
        match self {
            Self::Io(source) => ConfigError::ReadFile { what, path, source },
            Self::NotRegular { kind } => ConfigError::NotARegularFile { what, path, kind },
            Self::TooLarge { limit } => ConfigError::FileTooLarge { what, path, limit },
        }
    }
}

/// Reads a whole regular file of at most `limit` bytes.
///
/// The type is checked before opening (opening a FIFO for reading would block until a
/// writer appears) and again on the opened handle; the read stops one byte past
/// `limit` whatever the file's reported size (`/proc` files report 0).
pub(crate) fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BoundedReadError> {
    check_regular(&std::fs::metadata(path)?)?;
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    check_regular(&metadata)?;
    if metadata.len() > limit {
        return Err(BoundedReadError::TooLarge { limit });
    }
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(BoundedReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// [`read_bounded`] on a blocking thread, for async callers.
pub(crate) async fn read_bounded_async(
    path: PathBuf,
    limit: u64,
) -> Result<Vec<u8>, BoundedReadError> {
    tokio::task::spawn_blocking(move || read_bounded(&path, limit))
        .await
        .unwrap_or_else(|join_error| Err(BoundedReadError::Io(std::io::Error::other(join_error))))
}

/// [`read_bounded`] with its error turned into a [`ConfigError`] naming the file as `what`.
pub(crate) fn read_config_file(
    path: &Path,
    what: impl Into<String>,
    limit: u64,
) -> Result<Vec<u8>, ConfigError> {
    read_bounded(path, limit).map_err(|e| e.into_config_error(what, path))
}

fn check_regular(metadata: &Metadata) -> Result<(), BoundedReadError> {
    if metadata.is_file() {
        Ok(())
    } else if metadata.is_dir() {
        // A plain read error, as reading a directory always was: it cannot stall.
        Err(BoundedReadError::Io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )))
    } else {
        Err(BoundedReadError::NotRegular {
            kind: kind_of(metadata.file_type()),
        })
    }
}

fn kind_of(file_type: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn small_regular_files_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_bounded(&path, 4),
            Err(BoundedReadError::TooLarge { limit: 4 })
        ));
    }

    #[test]
    fn directories_and_missing_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_bounded(dir.path(), 10),
            Err(BoundedReadError::Io(e)) if e.kind() == std::io::ErrorKind::IsADirectory
        ));
        assert!(matches!(
            read_bounded(&dir.path().join("missing"), 10),
            Err(BoundedReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_without_reading() {
        let err = read_bounded(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(matches!(
            err,
            BoundedReadError::NotRegular {
                kind: "a character device"
            }
        ));
        let config_error = err.into_config_error("token", Path::new("/dev/zero"));
        assert_eq!(
            config_error.to_string(),
            "token at /dev/zero is not a regular file (a character device)"
        );
    }
}
