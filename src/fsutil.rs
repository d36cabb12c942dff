//! File-system helpers shared by the commands.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::{Error, Result};

/// Writes `path` atomically: `write` fills a buffered temporary file in the same directory, which
/// then replaces `path` in one rename. On any error the temporary file is removed and `path` is
/// left as it was. A new file gets mode 0644 on Unix (temporary files start as 0600); an existing
/// file keeps its permissions.
pub fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    stage(path, write)?.commit()
}

/// A file written (and synced) under a temporary name next to its destination, which
/// [`StagedFile::commit`] renames into place; dropped uncommitted, it is removed and the
/// destination is left as it was.
#[derive(Debug)]
pub struct StagedFile {
    temp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

impl StagedFile {
    /// Replaces the destination with the staged file, in one rename.
    pub fn commit(self) -> Result<()> {
        self.temp
            .persist(&self.path)
            .map_err(|e| Error::io(format!("cannot write {}", self.path.display()), e.error))?;
        Ok(())
    }
}

/// The first half of [`atomic_write`]: writes and syncs the temporary file that
/// [`StagedFile::commit`] later puts at `path`, so that slow work can run in between.
pub fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<StagedFile> {
    stage_via_temp(path, false, write)
}

/// Like [`atomic_write`], for files that may hold private data (reports, spool entries): the
/// file is always mode 0600 on Unix and its directory is created with mode 0700 if missing.
pub fn atomic_write_private(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir(parent)?;
    }
    stage_via_temp(path, true, write)?.commit()
}

/// [`atomic_write_private`] for regular files; a path that names something else that exists
/// (`/dev/stdout`, a FIFO) is written to directly, as there is nothing to replace atomically.
pub fn write_private_output(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let context = || format!("cannot write {}", path.display());
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(context(), e))?;
            let mut out = BufWriter::new(file);
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| Error::io(context(), e))
        }
        _ => atomic_write_private(path, write),
    }
}

/// Creates `dir` and its missing parents; the directories it creates get mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create directory {}", dir.display()), e))
}

fn stage_via_temp(
    path: &Path,
    private: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<StagedFile> {
    let context = || format!("cannot write {}", path.display());
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "cannot write {}: directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix(".llapi-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(context(), e))?;
    let mut out = BufWriter::new(temp);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io(context(), e))?;
    let temp = out
        .into_inner()
        .map_err(|e| Error::io(context(), e.into_error()))?;
    let permissions = match std::fs::metadata(path) {
        _ if private => None,
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(permissions) = permissions {
        std::fs::set_permissions(temp.path(), permissions).map_err(|e| Error::io(context(), e))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io(context(), e))?;
    Ok(StagedFile {
        temp,
        path: path.to_owned(),
    })
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        atomic_write(&path, |w| w.write_all(b"one")).unwrap();
        atomic_write(&path, |w| w.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_leaves_old_content_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, b"old").unwrap();
        let err = atomic_write(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("boom"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn staged_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, b"old").unwrap();
        let dropped = stage(&path, |w| w.write_all(b"dropped")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        drop(dropped);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let staged = stage(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        staged.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_file_is_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.json");
        atomic_write(&path, |w| w.write_all(b"x")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[cfg(unix)]
    #[test]
    fn private_output_to_a_device_writes_through() {
        write_private_output(Path::new("/dev/null"), |w| w.write_all(b"x")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_private_output(&path, |w| w.write_all(b"y")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
