//! The operator's own values: the secret-looking values of the deployment env files given
//! to the run, searched for exactly in the build output and the history, as written and in
//! their base64 and URL-encoded forms. A value found there leaked whatever its shape, so
//! this catches what no rule knows (a database password, an internal token).
//!
//! The values stay in this process: they are compiled into one matcher, and a hit carries
//! the variable's name, a redacted preview and the fingerprint, never the value.

use super::Hit;
use crate::env::{is_reference, looks_secret, parse};
use aho_corasick::AhoCorasick;
use base64::Engine as _;
use launch_ready_core::secret_rules::{fingerprint, redact, value_id};
use std::path::PathBuf;

/// The rule id of a hit on an own value.
pub const RULE: &str = "env-value";

/// Values shorter than this are too likely to occur by chance.
const MIN_LEN: usize = 12;

/// The matcher over every form of every value, and what each pattern stands for.
pub struct OwnValues {
    matcher: AhoCorasick,
    /// Per pattern: the variable, the fingerprint of its value and the value's id.
    origins: Vec<(String, String, String)>,
}

impl std::fmt::Debug for OwnValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the patterns: they are the values.
        write!(f, "OwnValues({} patterns)", self.origins.len())
    }
}

impl OwnValues {
    /// From `(environment, path)` env files: every deployment file's secret-looking
    /// values (the reference list holds names, not values). `None` when there are none.
    pub fn from_env_files(files: &[(String, PathBuf)]) -> Option<OwnValues> {
        let mut patterns: Vec<String> = Vec::new();
        let mut origins = Vec::new();
        for (environment, path) in files {
            if is_reference(environment) {
                continue;
            }
            // An unreadable file is the env check's error to report; here it adds nothing.
            let Ok(text) = launch_ready_core::files::read_text(path, crate::env::MAX_ENV_BYTES)
            else {
                continue;
            };
            for (key, value) in parse(&text) {
                if value.len() < MIN_LEN || !looks_secret(&key, &value) {
                    continue;
                }
                let fp = fingerprint(RULE, &value);
                let id = value_id(&value);
                for form in forms(&value) {
                    if !patterns.contains(&form) {
                        patterns.push(form);
                        origins.push((key.clone(), fp.clone(), id.clone()));
                    }
                }
            }
        }
        if patterns.is_empty() {
            return None;
        }
        let matcher = AhoCorasick::new(&patterns).ok()?;
        Some(OwnValues { matcher, origins })
    }

    /// The own values in `text` at `path` (and `commit`), one hit per value and line.
    pub fn scan(&self, text: &str, path: &str, commit: Option<&str>) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.matcher.find_iter(text) {
            let (variable, fp, id) = &self.origins[m.pattern().as_usize()];
            let line = text[..m.start()].matches('\n').count() + 1;
            if hits.iter().any(|h| h.line == line && &h.fingerprint == fp) {
                continue;
            }
            hits.push(Hit {
                rule: RULE,
                path: path.to_string(),
                line,
                commit: commit.map(str::to_string),
                redacted: redact(&text[m.start()..m.end()]),
                fingerprint: fp.clone(),
                variable: Some(variable.clone()),
                value_id: id.clone(),
            });
        }
        hits
    }
}

/// A value as written, base64-encoded (no padding, so a padded copy matches too) and
/// URL-encoded.
fn forms(value: &str) -> Vec<String> {
    let mut out = vec![value.to_string()];
    for engine in [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        let b = engine.encode(value.as_bytes());
        if !out.contains(&b) {
            out.push(b);
        }
    }
    let url: String = value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if !out.contains(&url) {
        out.push(url);
    }
    out
}

/// Adds the own-value hits of `text`, except on lines a rule already reported (the
/// rule's finding says more) and inside env files (where the values come from).
pub fn add_own(
    hits: &mut Vec<Hit>,
    own: Option<&OwnValues>,
    text: &str,
    path: &str,
    commit: Option<&str>,
) {
    let Some(own) = own else { return };
    let name = path.rsplit('/').next().unwrap_or(path);
    if super::is_dotenv_name(name) {
        return;
    }
    for h in own.scan(text, path, commit) {
        if !hits
            .iter()
            .any(|r| (r.line == h.line && r.path == h.path) || r.value_id == h.value_id)
        {
            hits.push(h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_base64_and_url_encoded_forms_without_showing_them() {
        let dir = tempfile::tempdir().unwrap();
        let value = ["Qm7Rt9Lp", "4Nv8Kb3W+z5/Xy1Ac"].concat();
        let env = dir.path().join(".env.production");
        std::fs::write(&env, format!("DB_PASSWORD={value}\nPORT=8080\n")).unwrap();
        let own = OwnValues::from_env_files(&[("production".into(), env)]).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&value);
        let url = value.replace('+', "%2B").replace('/', "%2F");
        let text = format!("a={value}\nb=\"{b64}\"\nc=?p={url}\nd=nothing\n");
        let hits = own.scan(&text, "app.js", None);
        assert_eq!(hits.iter().map(|h| h.line).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(
            hits.iter()
                .all(|h| h.variable.as_deref() == Some("DB_PASSWORD"))
        );
        let shown = format!("{own:?} {}", serde_json::to_string(&hits).unwrap());
        assert!(!shown.contains(&value) && !shown.contains(&b64) && !shown.contains(&url));
    }
}
