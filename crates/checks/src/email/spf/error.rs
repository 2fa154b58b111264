//! Why a term of an SPF record does not parse. The text becomes the `reason` of the
//! record's syntax errors, so the operator reads exactly what to fix.

/// A macro string that does not parse (RFC 7208 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MacroError {
    #[error("`%{0}` is not a macro (use %{{…}}, %%, %_ or %-)")]
    NotAMacro(char),
    #[error("a lone `%` ends the value (write %% for a percent sign)")]
    LonePercent,
    #[error("character {0:?} is not allowed")]
    Character(char),
    #[error("unterminated macro `%{{`")]
    NoLetter,
    #[error("`%{{{0}` is not a macro letter (s l o d i p h v)")]
    Letter(char),
    #[error("macro `%{{{0}}}` is only allowed in explanation text")]
    ExplanationOnly(char),
    #[error("unterminated macro `%{{{0}`")]
    Unterminated(char),
    #[error("macro `%{{{0}` keeps too many parts")]
    TooManyParts(char),
    #[error("character {character:?} is not allowed in macro `%{{{letter}…}}`")]
    CharacterInMacro { character: char, letter: char },
    #[error("macro `%{{{0}0…}}` keeps zero parts")]
    ZeroParts(char),
}

/// A term (mechanism or modifier) that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error("a qualifier needs a mechanism after it")]
    NoMechanism,
    #[error("unknown mechanism `{0}`")]
    UnknownMechanism(String),
    #[error("`{0}` takes no argument")]
    NoArgument(&'static str),
    #[error("`{0}` needs a domain (`{0}:example.com`)")]
    NeedsDomain(&'static str),
    #[error("`/{digits}` is not an {family} prefix length (0–{max})")]
    PrefixLength {
        digits: String,
        family: &'static str,
        max: u8,
    },
    #[error("`ip4` needs an address (`ip4:192.0.2.0/24`)")]
    Ip4NeedsAddress,
    #[error("`{0}` is not an IPv4 address")]
    NotIpv4(String),
    #[error("`ip6` needs an address (`ip6:2001:db8::/32`)")]
    Ip6NeedsAddress,
    #[error("`{0}` is not an IPv6 address")]
    NotIpv6(String),
    #[error("the domain is empty")]
    EmptyDomain,
    #[error("`{0}` is not a domain name")]
    NotDomain(String),
    #[error("`{0}` does not end in a valid top-level label")]
    TopLabel(String),
    #[error("`{0}` has an empty label")]
    EmptyLabel(String),
    #[error(transparent)]
    Macro(#[from] MacroError),
}
