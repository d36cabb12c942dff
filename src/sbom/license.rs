//! Cargo `license` fields as SPDX license expressions.
//!
//! Parsed leniently with the `spdx` crate (`MIT/Apache-2.0`, lower-case operators, imprecise
//! names, `GPL-2.0+`) and written back in canonical form: `MIT OR Apache-2.0`, upper-case
//! operators, parentheses only where `AND` binds an `OR`, deprecated GNU ids made explicit
//! (`GPL-2.0` → `GPL-2.0-only`).

/// A package's license as the SBOM states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// A valid SPDX expression of listed licenses (canonical form).
    Spdx(String),
    /// A `license` value that is not an SPDX expression, kept verbatim.
    Named(String),
    /// Only a `license-file` (the text is not an SPDX identifier).
    File,
    /// No license information.
    None,
}

impl License {
    /// The license of a package from its `license` and `license-file` fields.
    pub fn from_cargo(license: Option<&str>, license_file: Option<&str>) -> License {
        match license.map(str::trim).filter(|l| !l.is_empty()) {
            Some(text) => match normalize(text) {
                Some(expr) => License::Spdx(expr),
                None => License::Named(text.to_owned()),
            },
            None if license_file.is_some() => License::File,
            None => License::None,
        }
    }

    /// The SPDX expression, if there is one.
    pub fn spdx(&self) -> Option<&str> {
        match self {
            License::Spdx(expr) => Some(expr),
            _ => None,
        }
    }
}

/// Normalises a license text to a canonical SPDX expression; `None` if it is not one (or uses
/// `LicenseRef-`s, which a document would have to define).
pub fn normalize(text: &str) -> Option<String> {
    // `/` never occurs in SPDX ids; the lax parser takes it only without spaces around it.
    let text = text.replace('/', " OR ");
    let expr = spdx::Expression::parse_mode(&text, spdx::ParseMode::LAX).ok()?;
    // Postfix walk: each stack entry is (text, is an OR at the top).
    let mut stack: Vec<(String, bool)> = Vec::new();
    for node in expr.iter() {
        match node {
            spdx::expression::ExprNode::Req(req) => stack.push((requirement(&req.req)?, false)),
            spdx::expression::ExprNode::Op(op) => {
                let (right, right_or) = stack.pop()?;
                let (left, left_or) = stack.pop()?;
                let entry = match op {
                    spdx::expression::Operator::Or => (format!("{left} OR {right}"), true),
                    spdx::expression::Operator::And => (
                        format!("{} AND {}", group(left, left_or), group(right, right_or)),
                        false,
                    ),
                };
                stack.push(entry);
            }
        }
    }
    match (stack.pop(), stack.is_empty()) {
        (Some((text, _)), true) => Some(text),
        _ => None,
    }
}

fn group(text: String, is_or: bool) -> String {
    if is_or {
        format!("({text})")
    } else {
        text
    }
}

/// One license requirement in canonical form; `None` for `LicenseRef-`s.
fn requirement(req: &spdx::LicenseReq) -> Option<String> {
    let spdx::LicenseItem::Spdx { id, or_later } = &req.license else {
        return None;
    };
    let mut text = if id.is_gnu() && id.is_deprecated() && !or_later {
        // "GPL-2.0" → "GPL-2.0-only" where that id exists.
        let only = format!("{}-only", id.name);
        match spdx::license_id(&only) {
            Some(_) => only,
            None => id.name.to_owned(),
        }
    } else {
        req.license.to_string()
    };
    if let Some(addition) = &req.addition {
        addition.id()?; // exceptions must be listed ones, not `AdditionRef-`s
        text = format!("{text} WITH {addition}");
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_slash_form_is_normalised() {
        assert_eq!(
            normalize("MIT/Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            normalize("MIT / Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            normalize("MIT or Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
    }

    #[test]
    fn precedence_and_exceptions_survive() {
        assert_eq!(
            normalize("(MIT OR Apache-2.0) AND Unicode-3.0").as_deref(),
            Some("(MIT OR Apache-2.0) AND Unicode-3.0")
        );
        assert_eq!(
            normalize("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT").as_deref(),
            Some("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT")
        );
        assert_eq!(
            normalize("MIT AND BSD-3-Clause OR Zlib").as_deref(),
            Some("MIT AND BSD-3-Clause OR Zlib")
        );
    }

    #[test]
    fn deprecated_gnu_ids_are_explicit() {
        assert_eq!(normalize("GPL-2.0").as_deref(), Some("GPL-2.0-only"));
        assert_eq!(normalize("GPL-2.0+").as_deref(), Some("GPL-2.0-or-later"));
        assert_eq!(
            normalize("LGPL-2.1-or-later").as_deref(),
            Some("LGPL-2.1-or-later")
        );
    }

    #[test]
    fn non_spdx_text_is_kept_by_name() {
        assert_eq!(normalize("Proprietary, see LICENSE"), None);
        assert_eq!(normalize("LicenseRef-Foo"), None);
        assert_eq!(
            License::from_cargo(Some("Custom license"), None),
            License::Named("Custom license".into())
        );
        assert_eq!(License::from_cargo(None, Some("LICENSE")), License::File);
        assert_eq!(License::from_cargo(Some(" "), None), License::None);
    }
}
