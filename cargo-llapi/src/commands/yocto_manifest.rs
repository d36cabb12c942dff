//! `yocto-manifest` command: the Vigiles manifest of a Yocto image from the metadata that
//! `llapi.bbclass` collects.

use std::path::PathBuf;

use crate::cli::GlobalOpts;

/// Arguments of `yocto-manifest`.
#[derive(Debug, clap::Args)]
pub struct YoctoManifestArgs {
    /// Metadata file written by llapi.bbclass (llapi-yocto-metadata JSON)
    #[arg(long, value_name = "FILE")]
    pub metadata: PathBuf,
    /// Where to write the Vigiles manifest
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// Manifest name (default: the name in the metadata)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

/// Runs `yocto-manifest`.
pub fn run(_global: &GlobalOpts, args: &YoctoManifestArgs) -> llapi::Result<()> {
    let metadata = llapi::yocto::Metadata::read(&args.metadata)?;
    let manifest = llapi::yocto::manifest(&metadata, args.name.as_deref())?;
    llapi::fsutil::atomic_write(&args.output, |out| manifest.write_json(out))?;
    log::info!(
        "wrote {} ({} packages)",
        args.output.display(),
        manifest.packages.len()
    );
    Ok(())
}
