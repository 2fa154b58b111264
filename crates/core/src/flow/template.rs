//! `{{name}}` placeholders in flow steps: parsed once into text and variables, so a run
//! fills them without scanning strings twice and a bad placeholder is reported with the
//! flow, before any request goes out.
//!
//! There is no escape for a literal `{{`: a flow's URLs, headers and bodies have no use
//! for one, and a stray `{{` is far more often a typo that should be reported.

/// A placeholder's source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Var {
    /// A value captured by an earlier step (`{{token}}`).
    Capture(String),
    /// A keyring credential (`{{secret:NAME}}`), or its CI variable.
    Secret(String),
    /// An environment variable (`{{env:NAME}}`).
    Env(String),
}

/// A piece of a parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Var(Var),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("`{{{{` at byte {0} is not closed by `}}}}`")]
    Unclosed(usize),
    #[error("placeholder `{{{{{0}}}}}` needs a name of letters, digits, `-`, `_` or `.`")]
    BadName(String),
    #[error("placeholder `{{{{{0}}}}}` has an unknown source (use `secret:` or `env:`)")]
    BadSource(String),
}

/// Whether `s` is a usable capture, credential or variable name.
pub fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Splits `text` into literal text and placeholders.
pub fn parse(text: &str) -> Result<Vec<Piece>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or(TemplateError::Unclosed(offset + open))?;
        let inner = after[..close].trim();
        out.push(Piece::Var(var(inner)?));
        let used = open + 2 + close + 2;
        offset += used;
        rest = &rest[used..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    Ok(out)
}

fn var(inner: &str) -> Result<Var, TemplateError> {
    let (source, name) = match inner.split_once(':') {
        Some((s, n)) => (Some(s.trim()), n.trim()),
        None => (None, inner),
    };
    if !is_name(name) {
        return Err(TemplateError::BadName(inner.to_string()));
    }
    match source {
        None => Ok(Var::Capture(name.to_string())),
        Some("secret") => Ok(Var::Secret(name.to_string())),
        Some("env") => Ok(Var::Env(name.to_string())),
        Some(_) => Err(TemplateError::BadSource(inner.to_string())),
    }
}

/// The placeholders of `pieces`, in order.
pub fn vars(pieces: &[Piece]) -> impl Iterator<Item = &Var> {
    pieces.iter().filter_map(|p| match p {
        Piece::Var(v) => Some(v),
        Piece::Text(_) => None,
    })
}

/// Joins `pieces`, asking `value` for each placeholder; the first `None` is returned as
/// the missing variable.
pub fn fill(
    pieces: &[Piece],
    mut value: impl FnMut(&Var) -> Option<String>,
) -> Result<String, &Var> {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(v) => out.push_str(&value(v).ok_or(v)?),
        }
    }
    Ok(out)
}

/// The text as written back (`{{token}}`, `{{secret:NAME}}`, `{{env:NAME}}`).
pub fn render(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(v) => out.push_str(&placeholder(v)),
        }
    }
    out
}

/// How `v` is written in a step.
pub fn placeholder(v: &Var) -> String {
    match v {
        Var::Capture(n) => format!("{{{{{n}}}}}"),
        Var::Secret(n) => format!("{{{{secret:{n}}}}}"),
        Var::Env(n) => format!("{{{{env:{n}}}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_are_split_from_text() {
        let p = parse("Bearer {{token}} for {{ secret:api-key }} at {{env:HOST}}/x").unwrap();
        assert_eq!(
            p,
            [
                Piece::Text("Bearer ".into()),
                Piece::Var(Var::Capture("token".into())),
                Piece::Text(" for ".into()),
                Piece::Var(Var::Secret("api-key".into())),
                Piece::Text(" at ".into()),
                Piece::Var(Var::Env("HOST".into())),
                Piece::Text("/x".into()),
            ]
        );
        let filled = fill(&p, |v| match v {
            Var::Capture(_) => Some("T".into()),
            Var::Secret(_) => Some("S".into()),
            Var::Env(_) => Some("h".into()),
        });
        assert_eq!(filled.unwrap(), "Bearer T for S at h/x");
        assert_eq!(
            fill(&p, |_| None),
            Err(&Var::Capture("token".into())),
            "the first missing one is named"
        );
    }

    #[test]
    fn bad_placeholders_say_what_is_wrong() {
        assert_eq!(parse("a {{b"), Err(TemplateError::Unclosed(2)));
        assert_eq!(parse("{{}}"), Err(TemplateError::BadName(String::new())));
        assert_eq!(
            parse("{{vault:x}}"),
            Err(TemplateError::BadSource("vault:x".into()))
        );
        assert!(parse("{{a b}}").is_err());
        assert!(parse("plain } and { text").is_ok());
    }

    fn name() -> impl Strategy<Value = String> {
        "[A-Za-z0-9_.-]{1,12}"
    }

    fn piece() -> impl Strategy<Value = Piece> {
        prop_oneof![
            // Text that cannot open a placeholder on its own or with its neighbour.
            "[^{}]{1,8}".prop_map(Piece::Text),
            name().prop_map(|n| Piece::Var(Var::Capture(n))),
            name().prop_map(|n| Piece::Var(Var::Secret(n))),
            name().prop_map(|n| Piece::Var(Var::Env(n))),
        ]
    }

    /// Adjacent texts merge when parsed, so compare against the merged list.
    fn merged(pieces: Vec<Piece>) -> Vec<Piece> {
        let mut out: Vec<Piece> = Vec::new();
        for p in pieces {
            match (out.last_mut(), p) {
                (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
                (_, p) => out.push(p),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn render_then_parse_gives_the_pieces_back(pieces in prop::collection::vec(piece(), 0..8)) {
            let pieces = merged(pieces);
            prop_assert_eq!(parse(&render(&pieces)).unwrap(), pieces);
        }

        #[test]
        fn any_text_parses_or_errs_without_panicking(s in ".{0,40}") {
            if let Ok(p) = parse(&s) {
                // What parses renders back to the same text, spaces inside braces aside.
                if !s.contains(char::is_whitespace) {
                    prop_assert_eq!(render(&p), s);
                }
            }
        }

        #[test]
        fn text_without_braces_is_one_piece(s in "[^{]{1,40}") {
            prop_assert_eq!(parse(&s).unwrap(), vec![Piece::Text(s.clone())]);
        }

        #[test]
        fn filling_never_leaves_a_placeholder(pieces in prop::collection::vec(piece(), 0..8)) {
            let out = fill(&pieces, |_| Some("v".into())).unwrap();
            prop_assert!(!out.contains("{{"));
        }
    }
}
