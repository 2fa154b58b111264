//! DKIM key records (RFC 6376 §3.6.1): the tag list published at
//! `SELECTOR._domainkey.DOMAIN`, parsed into its tags. Decoding the key is `key.rs`'s job.

/// The tags of one key record. Absent tags hold their RFC defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// `v=` when present (always `DKIM1` once parsed).
    pub version: Option<String>,
    /// `k=`, lower case; `rsa` when absent.
    pub key_type: String,
    /// `p=` with whitespace removed; empty means revoked.
    pub public_key: String,
    /// `h=` acceptable hash algorithms (empty: all).
    pub hashes: Vec<String>,
    /// `s=` service types (empty: all).
    pub services: Vec<String>,
    /// `t=` flags (`y` testing, `s` strict subdomains).
    pub flags: Vec<String>,
    /// `n=` notes for humans.
    pub notes: Option<String>,
    /// Tags this version does not know, ignored as the RFC asks.
    pub unknown: Vec<String>,
}

/// True when a TXT record at a selector name is meant as a DKIM key (starts with `v=DKIM1`
/// or carries a `p=` tag), so that unrelated records reached through a wildcard are not
/// mistaken for broken keys.
pub fn is_key_record(txt: &str) -> bool {
    let mut tags = txt.split(';').filter_map(|seg| seg.split_once('='));
    let first_is_version = txt
        .split(';')
        .next()
        .and_then(|seg| seg.split_once('='))
        .is_some_and(|(t, v)| t.trim() == "v" && v.trim().eq_ignore_ascii_case("DKIM1"));
    first_is_version || tags.any(|(tag, _)| tag.trim() == "p")
}

/// What is wrong with a key record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRecordError {
    #[error("`{0}` is not a tag=value pair")]
    NotPair(String),
    #[error("`{0}` is not a tag name")]
    TagName(String),
    #[error("tag `{0}` appears more than once")]
    Repeated(String),
    #[error("tag `{tag}` holds the character {character:?}")]
    Character { tag: String, character: char },
    #[error("`v={0}` must be `v=DKIM1`")]
    Version(String),
    #[error("`v=` must be the first tag")]
    VersionNotFirst,
    #[error("the required `p=` tag is missing")]
    NoKey,
}

/// Parses a key record; the error says what is wrong with it.
pub fn parse_key_record(txt: &str) -> Result<KeyRecord, KeyRecordError> {
    let mut record = KeyRecord {
        version: None,
        key_type: "rsa".into(),
        public_key: String::new(),
        hashes: Vec::new(),
        services: Vec::new(),
        flags: Vec::new(),
        notes: None,
        unknown: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    let mut has_key = false;
    for (index, segment) in txt.split(';').enumerate() {
        let segment = segment.trim_matches(is_fws);
        if segment.is_empty() {
            continue;
        }
        let Some((tag, value)) = segment.split_once('=') else {
            return Err(KeyRecordError::NotPair(segment.to_owned()));
        };
        let (tag, value) = (tag.trim_matches(is_fws), value.trim_matches(is_fws));
        if !is_tag_name(tag) {
            return Err(KeyRecordError::TagName(tag.to_owned()));
        }
        if seen.iter().any(|t| t == tag) {
            return Err(KeyRecordError::Repeated(tag.to_owned()));
        }
        seen.push(tag.to_owned());
        if let Some(bad) = value
            .chars()
            .find(|c| *c == ';' || (c.is_control() && !is_fws(*c)) || !c.is_ascii())
        {
            return Err(KeyRecordError::Character {
                tag: tag.to_owned(),
                character: bad,
            });
        }
        match tag {
            "v" if index == 0 && value == "DKIM1" => record.version = Some(value.to_owned()),
            "v" if index == 0 => return Err(KeyRecordError::Version(value.to_owned())),
            "v" => return Err(KeyRecordError::VersionNotFirst),
            "k" => record.key_type = value.to_ascii_lowercase(),
            "p" => {
                has_key = true;
                record.public_key = value.chars().filter(|c| !is_fws(*c)).collect();
            }
            "h" => record.hashes = colon_list(value),
            "s" => record.services = colon_list(value),
            "t" => record.flags = colon_list(value),
            "n" => record.notes = Some(value.to_owned()),
            _ => record.unknown.push(tag.to_owned()),
        }
    }
    if !has_key {
        return Err(KeyRecordError::NoKey);
    }
    Ok(record)
}

/// Folding white space: spaces, tabs and line breaks.
fn is_fws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_tag_name(tag: &str) -> bool {
    let mut chars = tag.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn colon_list(value: &str) -> Vec<String> {
    value
        .split(':')
        .map(|item| item.trim_matches(is_fws).to_ascii_lowercase())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_with_defaults_and_folding_white_space() {
        let r = parse_key_record(
            "v=DKIM1; h=sha256 : sha1; t=y:s; n=rotated 2024;\r\n p=MIIB IjAN\tBgkq ;",
        )
        .expect("valid");
        assert_eq!(r.version.as_deref(), Some("DKIM1"));
        assert_eq!(r.key_type, "rsa");
        assert_eq!(r.public_key, "MIIBIjANBgkq");
        assert_eq!(r.hashes, ["sha256", "sha1"]);
        assert_eq!(r.flags, ["y", "s"]);
        assert_eq!(r.notes.as_deref(), Some("rotated 2024"));
        let r = parse_key_record("k=ED25519; p=abc; x=1").expect("valid");
        assert_eq!(
            (r.key_type.as_str(), r.unknown.as_slice()),
            ("ed25519", &["x".to_owned()][..])
        );
        assert_eq!(parse_key_record("p=").expect("valid").public_key, "");
    }

    #[test]
    fn malformed_records_say_why() {
        let cases = [
            ("k=rsa; p=abc; v=DKIM1", "first tag"),
            ("v=DKIM2; p=abc", "must be `v=DKIM1`"),
            ("v=DKIM1; k=rsa", "`p=` tag is missing"),
            ("v=DKIM1; p=a; p=b", "more than once"),
            ("v=DKIM1; garbage; p=a", "tag=value"),
            ("v=DKIM1; 1x=2; p=a", "tag name"),
            ("v=DKIM1; p=a\u{1b}b", "character"),
        ];
        for (record, reason) in cases {
            let err = parse_key_record(record).expect_err(record).to_string();
            assert!(err.contains(reason), "{record}: {err}");
        }
    }

    #[test]
    fn only_key_like_records_are_taken_as_keys() {
        assert!(is_key_record("v=DKIM1; p="));
        assert!(is_key_record("k=rsa; p=abc"));
        assert!(!is_key_record("v=spf1 -all"));
        assert!(!is_key_record("google-site-verification=abc"));
    }
}
