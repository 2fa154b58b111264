//! Which names are acceptable and how a (scope, name) pair becomes a keyring account.
//!
//! Names and session names share one narrow alphabet so that the account string
//! (`global/NAME`, `session/SESSION/NAME`) can never be ambiguous: neither part can hold the
//! `/` separator, and every backend accepts the result as a key description or attribute.

use super::{CredentialError, Scope};

/// Longest accepted credential or session name, in characters.
pub const MAX_NAME_LEN: usize = 64;

fn is_valid(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_NAME_LEN
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Checks a credential name: 1–64 ASCII letters, digits, `-`, `_` or `.`.
pub fn validate_name(name: &str) -> Result<(), CredentialError> {
    if is_valid(name) {
        Ok(())
    } else {
        Err(CredentialError::BadName(name.to_string()))
    }
}

/// Checks the session name of a session scope, with the same rule as credential names.
pub fn validate_session(session: &str) -> Result<(), CredentialError> {
    if is_valid(session) {
        Ok(())
    } else {
        Err(CredentialError::BadSession(session.to_string()))
    }
}

/// Checks the scope and returns its index key (`global` or `session/SESSION`).
pub(crate) fn scope_key(scope: &Scope) -> Result<String, CredentialError> {
    match scope {
        Scope::Global => Ok("global".to_string()),
        Scope::Session(s) => {
            validate_session(s)?;
            Ok(format!("session/{s}"))
        }
    }
}

/// The keyring account for a credential: `global/NAME` or `session/SESSION/NAME`.
pub fn account(scope: &Scope, name: &str) -> Result<String, CredentialError> {
    validate_name(name)?;
    Ok(format!("{}/{name}", scope_key(scope)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_follow_the_scope() {
        assert_eq!(
            account(&Scope::Global, "cloudflare-token").unwrap(),
            "global/cloudflare-token"
        );
        assert_eq!(
            account(&Scope::Session("acme_2".into()), "alert.webhook").unwrap(),
            "session/acme_2/alert.webhook"
        );
    }

    #[test]
    fn names_outside_the_alphabet_are_refused_and_quoted() {
        let long = "a".repeat(MAX_NAME_LEN + 1);
        for bad in ["", "a/b", "with space", "tök", "x\u{1b}[2J", long.as_str()] {
            let err = account(&Scope::Global, bad).unwrap_err();
            assert!(
                matches!(&err, CredentialError::BadName(n) if n == bad),
                "{bad:?}"
            );
            assert!(err.to_string().contains(&format!("`{bad}`")));
        }
        assert!(validate_name(&"a".repeat(MAX_NAME_LEN)).is_ok());
    }

    #[test]
    fn session_scopes_are_checked_too() {
        let err = account(&Scope::Session("a/b".into()), "token").unwrap_err();
        assert!(matches!(err, CredentialError::BadSession(s) if s == "a/b"));
    }
}
