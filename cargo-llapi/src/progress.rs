//! Progress bars for large uploads, on a terminal only.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use llapi::upload::FileProgress;

use crate::cli::{GlobalOpts, MessageFormat};

/// A progress reporter for uploads, or `None` when stderr is not a terminal or output is quiet
/// or machine-readable.
pub fn for_uploads(global: &GlobalOpts) -> Option<FileProgress> {
    if !std::io::stderr().is_terminal()
        || global.quiet > 0
        || global.message_format == MessageFormat::Json
    {
        return None;
    }
    let multi = MultiProgress::new();
    let bars: Mutex<HashMap<PathBuf, ProgressBar>> = Mutex::new(HashMap::new());
    let style =
        ProgressStyle::with_template("{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .expect("valid template")
            .progress_chars("=> ");
    Some(Arc::new(move |file: &Path, sent: u64, total: u64| {
        let mut bars = bars.lock().expect("not poisoned");
        let bar = bars.entry(file.to_path_buf()).or_insert_with(|| {
            let bar = multi.add(ProgressBar::new(total));
            bar.set_style(style.clone());
            bar.set_message(
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            bar
        });
        bar.set_position(sent);
        if sent >= total {
            bar.finish_and_clear();
        }
    }))
}
