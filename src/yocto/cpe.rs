//! CPE 2.3 identifiers of a recipe from its `CVE_PRODUCT` and `CVE_VERSION`, in the form
//! meta-timesys writes (spec §5.3): `cpe:2.3:a:<vendor>:<product>:<version>:<update>:*:*:*:*:*:*`.

/// One id per `CVE_PRODUCT` entry (`vendor:product` or `product`, vendor then `*`).
///
/// The version is cut at `+git`; a `-` or `~` followed by a letter starts the update part
/// (`1.2-rc1` → version `1.2`, update `rc1`). Entries that cannot form a valid id are left out.
pub fn cpe_ids(cve_product: &str, cve_version: &str) -> Vec<String> {
    let (version, update) = split_version(cve_version);
    if !valid(version) || !valid(update) {
        return Vec::new();
    }
    cve_product
        .split_whitespace()
        .filter_map(|entry| {
            let (vendor, product) = entry.split_once(':').unwrap_or(("*", entry));
            (valid(vendor) && valid(product))
                .then(|| format!("cpe:2.3:a:{vendor}:{product}:{version}:{update}:*:*:*:*:*:*"))
        })
        .collect()
}

/// `CVE_VERSION` without a `-`/`~` before an alphabetic suffix (`1.2-rc1` → `1.2rc1`), as
/// meta-timesys normalises `cve_version`.
pub fn normalized_version(cve_version: &str) -> String {
    match update_start(cve_version) {
        Some(at) => format!("{}{}", &cve_version[..at], &cve_version[at + 1..]),
        None => cve_version.to_owned(),
    }
}

/// (version, update) with the update `*` when there is none.
fn split_version(cve_version: &str) -> (&str, &str) {
    let version = cve_version.split("+git").next().unwrap_or_default();
    match update_start(version) {
        Some(at) => (&version[..at], &version[at + 1..]),
        None => (version, "*"),
    }
}

/// Byte index of the first `-` or `~` that is followed by a letter.
fn update_start(version: &str) -> Option<usize> {
    version
        .char_indices()
        .zip(version.chars().skip(1))
        .find(|((_, c), next)| matches!(c, '-' | '~') && next.is_ascii_alphabetic())
        .map(|((at, _), _)| at)
}

/// A CPE component: `*` or non-empty text without spaces, colons or other reserved characters.
fn valid(part: &str) -> bool {
    part == "*"
        || (!part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '~' | '+')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_per_product_entry() {
        assert_eq!(
            cpe_ids("busybox", "1.36.1"),
            ["cpe:2.3:a:*:busybox:1.36.1:*:*:*:*:*:*:*"]
        );
        assert_eq!(
            cpe_ids("openssl:openssl example:libssl", "3.0.13"),
            [
                "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",
                "cpe:2.3:a:example:libssl:3.0.13:*:*:*:*:*:*:*"
            ]
        );
    }

    #[test]
    fn update_part_and_git_suffix() {
        assert_eq!(
            cpe_ids("u-boot", "2024.01-rc3"),
            ["cpe:2.3:a:*:u-boot:2024.01:rc3:*:*:*:*:*:*"]
        );
        assert_eq!(
            cpe_ids("foo", "1.0+gitAUTOINC+abcdef"),
            ["cpe:2.3:a:*:foo:1.0:*:*:*:*:*:*:*"]
        );
        assert_eq!(
            cpe_ids("foo", "1.0-2"),
            ["cpe:2.3:a:*:foo:1.0-2:*:*:*:*:*:*:*"]
        );
        assert_eq!(normalized_version("1.2-rc1"), "1.2rc1");
        assert_eq!(normalized_version("1.2~beta"), "1.2beta");
        assert_eq!(normalized_version("1.2-3"), "1.2-3");
    }

    #[test]
    fn invalid_parts_give_no_id() {
        assert!(cpe_ids("foo", "").is_empty());
        assert!(cpe_ids("a:b:c", "1.0").is_empty());
        assert!(cpe_ids("foo", "1.0 beta").is_empty());
        assert!(cpe_ids("", "1.0").is_empty());
    }
}
