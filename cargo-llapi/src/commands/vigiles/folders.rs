//! `vigiles folders …`: list, create, archive, unarchive.

use clap::{Args, Subcommand};
use llapi::api::folders::{self, Place};

use super::show::{self, Columns, View};
use crate::cli::GlobalOpts;

const LIST: Columns = &[
    ("NAME", "name"),
    ("TOKEN", "token"),
    ("GROUP", "group_token"),
    ("PARENT", "parent_folder_token"),
    ("DESCRIPTION", "description"),
];

/// Folder commands.
#[derive(Debug, Args)]
pub struct FoldersArgs {
    #[command(subcommand)]
    pub command: FoldersCommand,
}

/// A group or parent folder; with neither, the configured folder, else the configured group.
#[derive(Debug, Args)]
pub struct PlaceArgs {
    /// Group token (default: the configured one)
    #[arg(
        short = 'g',
        long,
        value_name = "TOKEN",
        conflicts_with = "folder_token"
    )]
    pub group_token: Option<String>,
    /// Parent folder token (default: the configured one)
    #[arg(short = 'f', long, value_name = "TOKEN")]
    pub folder_token: Option<String>,
}

impl PlaceArgs {
    fn place(&self) -> Place {
        Place {
            group: self.group_token.clone(),
            folder: self.folder_token.clone(),
        }
    }
}

/// The folder commands.
#[derive(Debug, Subcommand)]
pub enum FoldersCommand {
    /// List the folders of a group, or the subfolders of a folder
    List {
        #[command(flatten)]
        place: PlaceArgs,
        /// Only archived folders
        #[arg(short = 'a', long, alias = "archived_only")]
        archived_only: bool,
    },
    /// Create a folder in a group or under a folder
    Create {
        /// The folder's name
        name: String,
        /// Description
        #[arg(short = 'd', long)]
        description: Option<String>,
        #[command(flatten)]
        place: PlaceArgs,
    },
    /// Archive folders
    Archive {
        /// The folders
        #[arg(required = true, value_name = "FOLDER_TOKEN")]
        tokens: Vec<String>,
    },
    /// Unarchive folders
    Unarchive {
        /// The folders
        #[arg(required = true, value_name = "FOLDER_TOKEN")]
        tokens: Vec<String>,
    },
}

/// Runs a folder command.
pub fn run(global: &GlobalOpts, args: &FoldersArgs) -> llapi::Result<()> {
    match &args.command {
        FoldersCommand::List {
            place,
            archived_only,
        } => show::call(global, View::Table(LIST), |c| {
            folders::list(c, &place.place(), *archived_only)
        }),
        FoldersCommand::Create {
            name,
            description,
            place,
        } => show::call(global, View::Fields(None), |c| {
            folders::create(c, name, description.as_deref(), &place.place())
        }),
        FoldersCommand::Archive { tokens } => {
            show::call(global, View::Message, |_| folders::archive(tokens, true))
        }
        FoldersCommand::Unarchive { tokens } => {
            show::call(global, View::Message, |_| folders::archive(tokens, false))
        }
    }
}
