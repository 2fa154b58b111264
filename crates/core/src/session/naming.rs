//! Naming a session: what `new` accepts (session names, client names, apex domains and
//! `--host ROLE=HOST`) and the file-name form of a client's name. Each check is a small
//! public function whose error reads as the message a user sees, so the TUI's new-session
//! form refuses exactly what the command line refuses, in the same words, and session
//! lookup slugs a name the way creation did.

use crate::session::model::HostTarget;
use crate::settings::normalize_host;

mod error;
pub use error::NamingError;

/// Text from a session file made safe for a terminal: control characters (escape
/// sequences included) become `?`.
pub fn display_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Longest session name accepted (it becomes a file name).
pub const MAX_NAME_LEN: usize = 64;

/// The file-name form of a client name: lowercase ASCII letters and digits, other runs of
/// characters folded into single dashes (`Acme Corp, Inc.` → `acme-corp-inc`). Accented
/// Latin letters become their plain letters (`Café Müller` → `cafe-muller`), so a name
/// still reads as the client's; other scripts are left out, as a file name in them would
/// not survive every file system and shell the session may travel through.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(plain) = fold_latin(c) {
            out.push_str(plain);
        } else if is_combining_mark(c) {
            // A decomposed accent (`e` + U+0301) belongs to the letter before it.
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let capped: String = out.chars().take(MAX_NAME_LEN).collect();
    capped.trim_end_matches('-').to_string()
}

/// The plain ASCII spelling of a lowercase Latin letter with a diacritic or a ligature.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Combining diacritical marks, as left by text in decomposed form (NFD) or by lowercasing
/// `İ` to `i` + U+0307.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// A session name as given with `--name`: it becomes `NAME.ron`, so it stays a plain word.
pub fn validate_name(name: &str) -> Result<String, NamingError> {
    let ok_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if name.is_empty() || name.len() > MAX_NAME_LEN || !ok_start || !ok_chars {
        return Err(NamingError::Name(name.to_string()));
    }
    Ok(name.to_string())
}

/// The client's display name: trimmed, not empty, no control characters.
pub fn validate_client(client: &str) -> Result<String, NamingError> {
    let client = client.trim();
    if client.is_empty() {
        return Err(NamingError::EmptyClient);
    }
    if client.chars().any(char::is_control) {
        return Err(NamingError::ClientControl(client.to_string()));
    }
    Ok(client.to_string())
}

/// The apex domain: a valid host name with at least two labels.
pub fn validate_domain(domain: &str) -> Result<String, NamingError> {
    let host = normalize_host(domain).map_err(|source| NamingError::Domain {
        domain: domain.to_string(),
        source,
    })?;
    if !host.contains('.') {
        return Err(NamingError::NotApex(domain.to_string()));
    }
    Ok(host)
}

/// One `--host ROLE=HOST`: the role is a lowercase word (`www`, `api`, `staging-eu`), the host
/// a valid name (it may lie outside the apex domain, as a staging host often does).
pub fn parse_host(spec: &str) -> Result<HostTarget, NamingError> {
    let (role, host) = spec
        .split_once('=')
        .ok_or_else(|| NamingError::HostForm(spec.to_string()))?;
    let role = role.trim();
    let role_ok = role.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !role_ok {
        return Err(NamingError::Role {
            spec: spec.to_string(),
            role: role.to_string(),
        });
    }
    let host = normalize_host(host).map_err(|source| NamingError::Host {
        spec: spec.to_string(),
        source,
    })?;
    Ok(HostTarget {
        role: role.to_string(),
        host,
        protected: false,
    })
}

/// Every `--host`, refusing a role given twice.
pub fn parse_hosts(specs: &[String]) -> Result<Vec<HostTarget>, NamingError> {
    let mut hosts: Vec<HostTarget> = Vec::new();
    for spec in specs {
        let h = parse_host(spec)?;
        if hosts.iter().any(|x| x.role == h.role) {
            return Err(NamingError::RoleTwice(h.role));
        }
        hosts.push(h);
    }
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_punctuation_and_case() {
        assert_eq!(slug("Acme Corp, Inc."), "acme-corp-inc");
        assert_eq!(slug("  --Zeta__42--  "), "zeta-42");
        assert_eq!(slug("日本"), "");
        assert_eq!(slug(&"a b ".repeat(50)).len(), MAX_NAME_LEN - 1);
    }

    #[test]
    fn slugs_fold_latin_accents_to_plain_letters() {
        assert_eq!(slug("Acme Café"), "acme-cafe");
        assert_eq!(slug("Müller & Söhne GmbH"), "muller-sohne-gmbh");
        assert_eq!(slug("Straße Øresund"), "strasse-oresund");
        assert_eq!(slug("ÆON Œuvre Þing"), "aeon-oeuvre-thing");
        assert_eq!(slug("Łódź Çelik Ñandú"), "lodz-celik-nandu");
        assert_eq!(slug("İstanbul Şirket"), "istanbul-sirket");
        // Decomposed text (e + combining acute) gives the same name as composed text.
        assert_eq!(slug("Cafe\u{301} Noir"), "cafe-noir");
        // Other scripts stay out, as before; the Latin part of a mixed name is kept.
        assert_eq!(slug("Café 東京"), "cafe");
        assert_eq!(slug("Москва"), "");
        // Every result is a valid session name.
        for name in ["Acme Café", "Straße Øresund", "ÆON Œuvre Þing"] {
            assert!(validate_name(&slug(name)).is_ok(), "{name}");
        }
    }

    #[test]
    fn names_are_plain_words() {
        assert_eq!(validate_name("acme-2"), Ok("acme-2".into()));
        for bad in ["", "-acme", "Acme", "../etc", "a b", &"a".repeat(65)] {
            let err = validate_name(bad).expect_err(bad).to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn domains_need_two_valid_labels() {
        assert_eq!(validate_domain("Example.COM."), Ok("example.com".into()));
        assert_eq!(
            validate_domain("localhost").map_err(|e| e.to_string()),
            Err("domain `localhost` is not valid: an apex domain has at least two labels (example.com)".into())
        );
        let err = validate_domain("exa mple.com")
            .expect_err("space")
            .to_string();
        assert!(
            err.starts_with("domain `exa mple.com` is not valid"),
            "{err}"
        );
        let err = validate_domain("https://example.com")
            .expect_err("url")
            .to_string();
        assert!(err.contains("`https://example.com`"), "{err}");
    }

    #[test]
    fn hosts_are_role_equals_host() {
        assert_eq!(
            parse_host("www=WWW.Example.com"),
            Ok(HostTarget {
                role: "www".into(),
                host: "www.example.com".into(),
                protected: false,
            })
        );
        assert_eq!(
            parse_host("staging=acme-staging.vercel.app").map(|h| h.host),
            Ok("acme-staging.vercel.app".into())
        );
        assert!(
            parse_host("www.example.com")
                .is_err_and(|e| e.to_string().contains("must be ROLE=HOST"))
        );
        assert!(
            parse_host("WWW=www.example.com").is_err_and(|e| e.to_string().contains("role `WWW`"))
        );
        assert!(
            parse_host("api=bad host").is_err_and(|e| e.to_string().contains("`api=bad host`"))
        );
        let twice = parse_hosts(&["www=a.example.com".into(), "www=b.example.com".into()])
            .map_err(|e| e.to_string());
        assert_eq!(twice, Err("role `www` is given more than once".into()));
    }
}
