//! The env family: one env file per deployment environment against the reference list
//! (`.env.example`), and whether git ignores `.env` files.
//!
//! Values are read to judge them (is it secret-looking, is it the same in two
//! environments) and dropped: findings and evidence carry variable names and
//! environment names only.

use launch_ready_core::code::Code;
use launch_ready_core::evidence::{ClientExposedNames, MissingVars, SharedSecretNames};
use launch_ready_core::finding::Finding;
use launch_ready_core::secret_rules;
use std::collections::BTreeMap;

/// Prefixes that frameworks inline into the client bundle.
pub const CLIENT_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_",
];

/// Env files larger than this are not env files.
pub const MAX_ENV_BYTES: u64 = 1024 * 1024;

/// One environment's variables, name → value.
#[derive(Debug, Clone, Default)]
pub struct EnvVars {
    pub environment: String,
    pub vars: BTreeMap<String, String>,
}

/// Parses dotenv syntax: `KEY=value`, `export KEY=value`, quoted values, `#` comments.
/// Lines that are not assignments are ignored.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let value = value.trim();
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => value[1..].split(q).next().unwrap_or(""),
            // An unquoted value ends at an inline comment.
            _ => value.split(" #").next().unwrap_or("").trim(),
        };
        out.insert(key.to_string(), value.to_string());
    }
    out
}

/// Whether a value would be a credential: a rule of the shared set matches it, or it is
/// a long, random-looking token under a secret-sounding name.
pub fn looks_secret(key: &str, value: &str) -> bool {
    if value.len() < 8 {
        return false;
    }
    if !secret_rules::scan(&format!("{key}={value}\n")).is_empty() {
        return true;
    }
    let upper = key.to_ascii_uppercase();
    let named = [
        "SECRET",
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "KEY",
        "CREDENTIAL",
        "PRIVATE",
    ]
    .iter()
    .any(|w| upper.contains(w));
    let tokenish = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-+/=.~".contains(c));
    named
        && tokenish
        && value.len() >= 16
        && secret_rules::shannon_entropy(value) >= 3.5
        && !value.contains("://")
}

/// Whether a variable is inlined into client code.
pub fn client_exposed(key: &str) -> bool {
    CLIENT_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// The findings of one environment: keys of `reference` it lacks, secret-looking values
/// under client-exposed names, and secret-looking values identical to those of an
/// `earlier` environment (each shared pair is reported once, on the later file).
pub fn judge(env: &EnvVars, reference: Option<&EnvVars>, earlier: &[EnvVars]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(r) = reference {
        let missing: Vec<String> = r
            .vars
            .keys()
            .filter(|k| !env.vars.contains_key(*k))
            .cloned()
            .collect();
        if !missing.is_empty() {
            findings.push(
                Finding::new(
                    Code::EnvMissingVar,
                    format!(
                        "{}: {} variable(s) of {} missing",
                        env.environment,
                        missing.len(),
                        r.environment
                    ),
                )
                .with_detail(&MissingVars {
                    environment: env.environment.clone(),
                    reference: r.environment.clone(),
                    names: missing,
                }),
            );
        }
    }
    let exposed: Vec<&String> = env
        .vars
        .iter()
        .filter(|(k, v)| client_exposed(k) && looks_secret(k, v))
        .map(|(k, _)| k)
        .collect();
    if !exposed.is_empty() {
        findings.push(
            Finding::new(
                Code::EnvClientExposedSecret,
                format!(
                    "{}: secret-looking value under a client-exposed name ({})",
                    env.environment,
                    join(&exposed)
                ),
            )
            .with_detail(&ClientExposedNames {
                environment: env.environment.clone(),
                names: exposed.into_iter().cloned().collect(),
            }),
        );
    }
    for other in earlier {
        let shared: Vec<&String> = env
            .vars
            .iter()
            .filter(|(k, v)| looks_secret(k, v) && other.vars.values().any(|o| o == *v))
            .map(|(k, _)| k)
            .collect();
        if !shared.is_empty() {
            findings.push(
                Finding::new(
                    Code::EnvSharedSecret,
                    format!(
                        "{} and {} share secret values ({})",
                        other.environment,
                        env.environment,
                        join(&shared)
                    ),
                )
                .with_detail(&SharedSecretNames {
                    environments: vec![other.environment.clone(), env.environment.clone()],
                    names: shared.into_iter().cloned().collect(),
                }),
            );
        }
    }
    findings
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an environment name is the reference list rather than a deployment.
pub fn is_reference(environment: &str) -> bool {
    matches!(
        environment,
        "example" | "sample" | "template" | "defaults" | "dist" | "reference"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str, text: &str) -> EnvVars {
        EnvVars {
            environment: name.into(),
            vars: parse(text),
        }
    }

    #[test]
    fn parses_dotenv_syntax() {
        let v = parse("# c\nexport A=1\nB=\"two words\" \nC='x#y'\nD=plain # note\nnot a line\n");
        assert_eq!(v["A"], "1");
        assert_eq!(v["B"], "two words");
        assert_eq!(v["C"], "x#y");
        assert_eq!(v["D"], "plain");
        assert_eq!(v.len(), 4);
    }

    #[test]
    fn judges_missing_exposed_and_shared_by_name_only() {
        let secret = ["k3J9xQ2m", "L7pR4vT8", "wZ1nB6cF"].concat();
        let reference = env("example", "DATABASE_URL=\nSESSION_SECRET=\nSENTRY_DSN=\n");
        let staging = env(
            "staging",
            &format!("DATABASE_URL=x\nSESSION_SECRET={secret}\n"),
        );
        let prod = env(
            "production",
            &format!(
                "DATABASE_URL=y\nSESSION_SECRET={secret}\nNEXT_PUBLIC_ADMIN_TOKEN={secret}Zq\nNEXT_PUBLIC_API_URL=https://api.brightdesk.test/v1/abcdefgh\nSENTRY_DSN=\n"
            ),
        );
        let f = judge(&prod, Some(&reference), std::slice::from_ref(&staging));
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["env.client_exposed_secret", "env.shared_secret"]);
        let exposed = f[0].detail::<ClientExposedNames>().expect("names");
        assert_eq!(exposed.names, ["NEXT_PUBLIC_ADMIN_TOKEN"]);
        let shared = f[1].detail::<SharedSecretNames>().expect("names");
        assert_eq!(
            (shared.environments, shared.names),
            (
                vec!["staging".to_string(), "production".to_string()],
                vec!["SESSION_SECRET".to_string()]
            )
        );
        let s = judge(&staging, Some(&reference), &[]);
        assert_eq!(s[0].code, "env.missing_var");
        let missing = s[0].detail::<MissingVars>().expect("names");
        assert_eq!(missing.names, ["SENTRY_DSN"]);
        let all = serde_json::to_string(&[f, s].concat()).unwrap();
        assert!(!all.contains(&secret), "values never leave memory");
    }

    #[test]
    fn placeholders_and_plain_config_are_not_secret() {
        assert!(!looks_secret("API_KEY", "YOUR_API_KEY_HERE"));
        assert!(!looks_secret("PASSWORD", "changeme"));
        assert!(!looks_secret(
            "NEXT_PUBLIC_SITE_URL",
            "https://brightdesk.test"
        ));
        assert!(!looks_secret("PORT", "8080"));
        assert!(looks_secret(
            "JWT_SECRET",
            &["Qm7Rt9Lp", "4Nv8Kb3W", "z5Xy1Ac"].concat()
        ));
    }
}
