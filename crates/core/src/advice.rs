//! Plain words for every finding code: what breaks for users when it stays open, and the
//! fix. The risk list, presenter mode and the handover pack speak with these instead of
//! raw codes.
//!
//! Each family's entries live in their own submodule (`edge` sits with `http`, as in
//! `checks.md`); the tests hold the tables to the catalog so a new code cannot ship
//! without its own words.

/// What a finding means for the product's users, and what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// A short plain-language headline (no code, no jargon where avoidable).
    pub headline: &'static str,
    /// What breaks for users (or the business) while it stays open.
    pub impact: &'static str,
    /// What to do, in one or two sentences.
    pub fix: &'static str,
}

mod cloudflare;
mod dns;
mod email;
mod env;
mod http;
mod perf;
mod secrets;
mod smoke;
mod tls;
mod uptime;

/// One table per family, in `checks.md` order.
const TABLES: &[&[(&str, Advice)]] = &[
    dns::ENTRIES,
    email::ENTRIES,
    tls::ENTRIES,
    http::ENTRIES,
    perf::ENTRIES,
    uptime::ENTRIES,
    secrets::ENTRIES,
    env::ENTRIES,
    cloudflare::ENTRIES,
    smoke::ENTRIES,
];

/// Every code with its own advice, in `checks.md` order.
pub fn entries() -> impl Iterator<Item = (&'static str, Advice)> {
    TABLES.iter().flat_map(|t| t.iter().copied())
}

/// The advice written for exactly `code`, if there is one.
pub fn entry(code: &str) -> Option<Advice> {
    entries().find(|(c, _)| *c == code).map(|(_, a)| a)
}

/// The advice for `code` (`dns.unresolvable`); a family-level fallback for codes without
/// their own entry (a newer code than this build knows), so callers never have to show a
/// raw code.
pub fn for_code(code: &str) -> Advice {
    entry(code).unwrap_or_else(|| for_family(code))
}

fn for_family(code: &str) -> Advice {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "dns" => Advice {
            headline: "A DNS problem",
            impact: "Visitors may not reach the site, or reach the wrong place.",
            fix: "Correct the records at the DNS provider.",
        },
        "email" => Advice {
            headline: "An email authentication problem",
            impact: "Sign-up and password-reset emails may land in spam or be spoofed.",
            fix: "Publish correct SPF, DKIM and DMARC records for the sending domain.",
        },
        "tls" => Advice {
            headline: "A certificate problem",
            impact: "Browsers may warn visitors away or refuse to connect.",
            fix: "Renew or reconfigure the certificate on the edge or host.",
        },
        "http" => Advice {
            headline: "A web page problem",
            impact: "Pages may be unsafe, slow or unreachable for visitors.",
            fix: "Adjust the server or edge configuration for these pages.",
        },
        "edge" => Advice {
            headline: "An edge or exposure problem",
            impact: "Attackers may reach internals or bypass protection.",
            fix: "Close the exposed path or put it behind the edge.",
        },
        "perf" => Advice {
            headline: "A performance problem",
            impact: "Users wait too long or see errors under load.",
            fix: "Profile the slow route and fix the first bottleneck.",
        },
        "uptime" => Advice {
            headline: "A monitoring problem",
            impact: "An outage may go unnoticed.",
            fix: "Fix the monitored route or the alert route.",
        },
        "secrets" => Advice {
            headline: "A leaked secret",
            impact: "Anyone who finds it can use the service as the product.",
            fix: "Revoke and rotate the secret, then remove it from code and history.",
        },
        "env" => Advice {
            headline: "An environment configuration problem",
            impact: "A deployment may start with missing or shared configuration.",
            fix: "Complete and separate each environment's variables.",
        },
        "smoke" => Advice {
            headline: "A core flow problem",
            impact: "Visitors may not be able to log in or finish a core action.",
            fix: "Run the flow again and read the failed step's response.",
        },
        "cloudflare" => Advice {
            headline: "A Cloudflare zone setting",
            impact: "The edge may not protect or encrypt traffic as intended.",
            fix: "Change the setting in the Cloudflare dashboard.",
        },
        _ => Advice {
            headline: "A launch risk",
            impact: "See the evidence for what is affected.",
            fix: "See the check's guidance.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::catalog::KINDS;

    /// True when `text` holds something shaped like a finding code: a dot with a letter or
    /// digit on both sides (`dns.caa_missing`), unlike a path such as `.env`.
    fn holds_dotted_word(text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        chars
            .windows(3)
            .any(|w| w[1] == '.' && w[0].is_ascii_alphanumeric() && w[2].is_ascii_alphanumeric())
    }

    #[test]
    fn every_catalog_code_has_its_own_entry() {
        for kind in KINDS {
            for code in kind.codes {
                let own = entry(code.as_str())
                    .unwrap_or_else(|| panic!("{code} ({}) has no advice", kind.name));
                assert_eq!(for_code(code.as_str()), own, "{code}");
                assert_ne!(
                    own,
                    for_family(code.as_str()),
                    "{code} falls back to its family"
                );
            }
        }
    }

    #[test]
    fn table_holds_exactly_the_contract_codes() {
        let mut expected: Vec<&str> = crate::code::Code::ALL.iter().map(|c| c.as_str()).collect();
        expected.sort_unstable();
        let mut actual: Vec<&str> = entries().map(|(c, _)| c).collect();
        actual.sort_unstable();
        assert_eq!(actual, expected);
        // Every code `checks.md` lists.
        assert_eq!(actual.len(), 94);
        for code in catalog::all_codes() {
            assert!(actual.contains(&code), "{code} has no advice");
        }
    }

    #[test]
    fn no_code_or_wording_is_repeated() {
        let all: Vec<(&str, Advice)> = entries().collect();
        for (i, (code, advice)) in all.iter().enumerate() {
            for (other, theirs) in &all[i + 1..] {
                assert_ne!(code, other, "{code} has two entries");
                assert_ne!(advice.headline, theirs.headline, "{code} and {other}");
                assert_ne!(advice.impact, theirs.impact, "{code} and {other}");
                assert_ne!(advice.fix, theirs.fix, "{code} and {other}");
            }
        }
    }

    #[test]
    fn headlines_are_short_plain_titles() {
        assert!(holds_dotted_word("see dns.caa_missing"));
        assert!(!holds_dotted_word("Block .env files. Then rotate"));
        for (code, a) in entries() {
            let h = a.headline;
            assert!(
                !h.is_empty() && h.chars().count() <= 60,
                "{code}: {h:?} is {} chars",
                h.chars().count()
            );
            assert!(!holds_dotted_word(h), "{code}: {h:?} reads like a code");
            assert!(!h.contains(code), "{code}: {h:?}");
            assert!(
                !h.ends_with('.'),
                "{code}: a headline is a title, not a sentence"
            );
            assert!(
                h.starts_with(|c: char| c.is_ascii_uppercase()),
                "{code}: {h:?}"
            );
        }
    }

    #[test]
    fn impact_and_fix_are_whole_sentences_without_codes() {
        for (code, a) in entries() {
            for (what, text) in [("impact", a.impact), ("fix", a.fix)] {
                assert!(
                    text.starts_with(|c: char| c.is_ascii_uppercase()),
                    "{code} {what}: {text:?}"
                );
                assert!(text.ends_with('.'), "{code} {what}: {text:?}");
                for (other, _) in entries() {
                    assert!(!text.contains(other), "{code} {what} names {other}");
                }
                assert!(
                    !text.contains("  "),
                    "{code} {what}: doubled space in {text:?}"
                );
            }
        }
    }

    #[test]
    fn unknown_codes_fall_back_to_their_family() {
        let a = for_code("dns.some_future_code");
        assert_eq!(a.headline, "A DNS problem");
        assert_eq!(entry("dns.some_future_code"), None);
        assert_eq!(
            for_code("cloudflare.some_future_code").headline,
            "A Cloudflare zone setting"
        );
        assert_eq!(for_code("nonsense").headline, "A launch risk");
        assert_eq!(for_code("").headline, "A launch risk");
    }

    #[test]
    fn known_codes_read_as_written() {
        let a = for_code("email.dmarc_missing");
        assert_eq!(
            a.headline,
            "Nothing tells inboxes to reject fake email from you"
        );
        assert!(a.fix.contains("_dmarc"), "{}", a.fix);
        assert!(for_code("tls.expired").fix.contains("automatic renewal"));
    }
}
