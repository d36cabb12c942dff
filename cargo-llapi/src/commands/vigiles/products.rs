//! `vigiles products …`: the group commands of the older ("product") server generation.

use clap::{Args, Subcommand};
use llapi::api::products;

use super::show::{self, Columns, View};
use crate::cli::GlobalOpts;

const LIST: Columns = &[
    ("NAME", "name"),
    ("TOKEN", "token"),
    ("DESCRIPTION", "description"),
];

/// Product commands (servers with `product_token`).
#[derive(Debug, Args)]
pub struct ProductsArgs {
    #[command(subcommand)]
    pub command: ProductsCommand,
}

/// The product commands.
#[derive(Debug, Subcommand)]
pub enum ProductsCommand {
    /// List products
    List,
    /// Create a product
    Create {
        /// The product's name
        name: String,
        /// Description
        #[arg(short = 'd', long)]
        description: Option<String>,
    },
    /// Show a product (default: the configured one)
    Info {
        /// The product
        #[arg(short = 'p', long, value_name = "TOKEN")]
        product_token: Option<String>,
    },
}

/// Runs a product command.
pub fn run(global: &GlobalOpts, args: &ProductsArgs) -> llapi::Result<()> {
    match &args.command {
        ProductsCommand::List => show::call(global, View::Table(LIST), |_| products::list()),
        ProductsCommand::Create { name, description } => {
            show::call(global, View::Fields(None), |_| {
                products::create(name, description.as_deref())
            })
        }
        ProductsCommand::Info { product_token } => show::call(global, View::Fields(None), |c| {
            products::info(c, product_token.as_deref())
        }),
    }
}
