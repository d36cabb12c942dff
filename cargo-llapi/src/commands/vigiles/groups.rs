//! `vigiles groups …`: groups, members, settings, activity log.

use clap::{Args, Subcommand};
use llapi::api::groups::{self, ActivityFilter, Parent, Settings};
use llapi::Error;

use super::show::{self, Columns, View};
use crate::cli::GlobalOpts;

const LIST: Columns = &[
    ("NAME", "name"),
    ("TOKEN", "token"),
    ("TYPE", "group_type"),
    ("DESCRIPTION", "description"),
];
const MEMBERS: Columns = &[
    ("EMAIL", "email"),
    ("ROLE", "role"),
    ("SUBGROUPS", "allow_access_to_subgroups"),
];
const SUBGROUPS: Columns = &[
    ("NAME", "name"),
    ("TOKEN", "token"),
    ("DESCRIPTION", "description"),
];
const ACTIVITY: Columns = &[
    ("DATE", "date"),
    ("TYPE", "log_type"),
    ("METHOD", "log_method"),
    ("USER", "user_email"),
    ("MESSAGE", "message"),
];

/// Group commands.
#[derive(Debug, Args)]
pub struct GroupsArgs {
    #[command(subcommand)]
    pub command: GroupsCommand,
}

/// A group token that falls back to the configured group.
#[derive(Debug, Args)]
pub struct GroupToken {
    /// The group (default: the configured one)
    #[arg(short = 'g', long, value_name = "TOKEN")]
    pub group_token: Option<String>,
}

/// The group commands.
#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// List active groups
    List {
        /// Include Private Workspaces
        #[arg(short = 'p', long)]
        include_private_workspaces: bool,
    },
    /// List archived groups
    Archived,
    /// Create a group: top-level unless --parent or --parent-from-config is given (the
    /// dashboard config is never used implicitly, unlike the reference's create_group)
    Create {
        /// The group's name
        name: String,
        /// Description
        #[arg(short = 'd', long)]
        description: Option<String>,
        /// Create a subgroup of this group
        #[arg(
            long,
            value_name = "GROUP_TOKEN",
            conflicts_with = "parent_from_config"
        )]
        parent: Option<String>,
        /// Create a subgroup of the configured group (dashboard config)
        #[arg(long)]
        parent_from_config: bool,
    },
    /// Show a group (and with --subgroups, its subgroups)
    Info {
        #[command(flatten)]
        group: GroupToken,
        /// Include subgroups
        #[arg(short = 's', long)]
        subgroups: bool,
    },
    /// Delete a group (refused without --confirm)
    Delete {
        /// The group
        group_token: String,
        /// Confirm the deletion
        #[arg(short = 'c', long)]
        confirm: bool,
    },
    /// Archive groups
    Archive {
        /// The groups
        #[arg(required = true, value_name = "GROUP_TOKEN")]
        tokens: Vec<String>,
    },
    /// Unarchive groups
    Unarchive {
        /// The groups
        #[arg(required = true, value_name = "GROUP_TOKEN")]
        tokens: Vec<String>,
    },
    /// List a group's members
    Members {
        /// The group
        group_token: String,
    },
    /// Add a member to a group
    AddMember {
        /// The group
        group_token: String,
        /// The member's e-mail
        #[arg(short = 'e', long, value_name = "EMAIL")]
        email: String,
        /// The member's role
        #[arg(short = 'r', long)]
        role: String,
        /// Give access to subgroups too
        #[arg(short = 'a', long)]
        allow_access_to_subgroups: bool,
    },
    /// Change a member's role
    UpdateMember {
        /// The group
        group_token: String,
        /// The member's e-mail
        #[arg(short = 'e', long, value_name = "EMAIL")]
        email: String,
        /// The new role
        #[arg(short = 'r', long, value_name = "ROLE")]
        new_role: String,
    },
    /// Remove a member from a group
    RemoveMember {
        /// The group
        group_token: String,
        /// The member's e-mail
        #[arg(short = 'e', long, value_name = "EMAIL")]
        email: String,
    },
    /// Show a group's settings
    Settings {
        #[command(flatten)]
        group: GroupToken,
    },
    /// Change a group's settings (only those given)
    UpdateSettings {
        #[command(flatten)]
        group: GroupToken,
        /// Vulnerability identifiers: PURL, CPE, "CVE Product", "Package Name"
        #[arg(short = 'i', long, num_args = 1.., value_name = "IDENTIFIER")]
        vuln_identifiers: Vec<String>,
        /// Strict matching: on / off
        #[arg(short = 's', long, value_name = "on|off")]
        strict_match: Option<String>,
        /// Report vulnerabilities of dependencies: on / off
        #[arg(short = 'd', long, value_name = "on|off")]
        dependency_vulns: Option<String>,
        /// Close Jira issues automatically: on / off
        #[arg(short = 'j', long, value_name = "on|off")]
        jira_auto_close: Option<String>,
    },
    /// Search a group's activity log (default group and folder: the configured ones)
    ActivityLog {
        /// The group (default: the configured one)
        group_token: Option<String>,
        /// Folder
        #[arg(short = 'f', long, value_name = "TOKEN")]
        folder_token: Option<String>,
        /// Manifest (SBOM)
        #[arg(short = 's', long, value_name = "TOKEN")]
        manifest_token: Option<String>,
        /// Report
        #[arg(short = 'r', long, value_name = "TOKEN")]
        report_token: Option<String>,
        /// User e-mail
        #[arg(short = 'u', long, value_name = "EMAIL")]
        user_email: Option<String>,
        /// Package name
        #[arg(short = 'p', long, value_name = "NAME")]
        package_name: Option<String>,
        /// Package version
        #[arg(long, value_name = "VERSION")]
        package_version: Option<String>,
        /// Vulnerability id
        #[arg(short = 'i', long, value_name = "ID")]
        vuln_id: Option<String>,
        /// Log type (e.g. update_vuln_status, create_note)
        #[arg(short = 't', long, value_name = "TYPE")]
        log_type: Option<String>,
        /// Log method: ui / api
        #[arg(short = 'm', long, value_name = "METHOD")]
        log_method: Option<String>,
    },
}

/// Runs a group command.
pub fn run(global: &GlobalOpts, args: &GroupsArgs) -> llapi::Result<()> {
    use GroupsCommand as C;
    match &args.command {
        C::List {
            include_private_workspaces,
        } => show::call(global, View::Table(LIST), |_| {
            groups::list(*include_private_workspaces)
        }),
        C::Archived => show::call(global, View::Table(LIST), |_| groups::archived()),
        C::Create {
            name,
            description,
            parent,
            parent_from_config,
        } => {
            let parent = match (parent, parent_from_config) {
                (Some(g), _) => Parent::Group(g.clone()),
                (None, true) => Parent::Configured,
                (None, false) => Parent::None,
            };
            show::call(global, View::Fields(None), |c| {
                groups::create(c, name, description.as_deref(), &parent)
            })
        }
        C::Info { group, subgroups } => {
            show::call(global, View::Fields(Some(("subgroups", SUBGROUPS))), |c| {
                groups::info(c, group.group_token.as_deref(), *subgroups)
            })
        }
        C::Delete {
            group_token,
            confirm,
        } => {
            if !confirm {
                return Err(Error::invalid(format!(
                    "refusing to delete group {group_token} without --confirm"
                )));
            }
            show::call(global, View::Message, |_| groups::delete(group_token))
        }
        C::Archive { tokens } => {
            show::call(global, View::Message, |_| groups::archive(tokens, true))
        }
        C::Unarchive { tokens } => {
            show::call(global, View::Message, |_| groups::archive(tokens, false))
        }
        C::Members { group_token } => show::call(
            global,
            View::Fields(Some(("group_members", MEMBERS))),
            |_| groups::members(group_token),
        ),
        C::AddMember {
            group_token,
            email,
            role,
            allow_access_to_subgroups,
        } => show::call(global, View::Message, |_| {
            groups::add_member(group_token, email, role, *allow_access_to_subgroups)
        }),
        C::UpdateMember {
            group_token,
            email,
            new_role,
        } => show::call(global, View::Message, |_| {
            groups::update_member(group_token, email, new_role)
        }),
        C::RemoveMember { group_token, email } => show::call(global, View::Message, |_| {
            groups::remove_member(group_token, email)
        }),
        C::Settings { group } => show::call(global, View::Fields(None), |c| {
            groups::settings(c, group.group_token.as_deref())
        }),
        C::UpdateSettings {
            group,
            vuln_identifiers,
            strict_match,
            dependency_vulns,
            jira_auto_close,
        } => {
            let s = Settings {
                vuln_identifiers: vuln_identifiers.clone(),
                vuln_strict_match: strict_match.clone(),
                report_dep_vulns: dependency_vulns.clone(),
                auto_close_jira_issues: jira_auto_close.clone(),
            };
            show::call(global, View::Message, |c| {
                groups::update_settings(c, group.group_token.as_deref(), &s)
            })
        }
        C::ActivityLog {
            group_token,
            folder_token,
            manifest_token,
            report_token,
            user_email,
            package_name,
            package_version,
            vuln_id,
            log_type,
            log_method,
        } => {
            let f = ActivityFilter {
                folder: folder_token.clone(),
                manifest: manifest_token.clone(),
                report: report_token.clone(),
                user_email: user_email.clone(),
                package_name: package_name.clone(),
                package_version: package_version.clone(),
                vuln_id: vuln_id.clone(),
                log_type: log_type.clone(),
                log_method: log_method.clone(),
            };
            show::call(global, View::Table(ACTIVITY), |c| {
                groups::activity_log(c, group_token.as_deref(), &f)
            })
        }
    }
}
