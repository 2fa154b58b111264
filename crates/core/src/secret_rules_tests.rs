//! The rule set against built tokens, placeholders, encoded blobs and hashes: each rule
//! fires on its shape and every documented exclusion holds.

use super::*;

/// Builds a token from parts so that no complete credential shape appears in the
/// source (repository scanners, including this one, would flag it).
fn tok(parts: &[&str]) -> String {
    parts.concat()
}

fn rules_of(text: &str) -> Vec<&'static str> {
    scan(text).into_iter().map(|m| m.rule).collect()
}

#[test]
fn finds_vendor_tokens_with_their_rule_ids() {
    let cases = [
        (tok(&["AKIA", "Z7QW3RT5YU6IOPLK"]), "aws-access-key-id"),
        (
            tok(&[
                "aws_secret_access_key = ",
                "q8Jd7Kf2Lm9Np4Rs6Tv1Wx3Yz5Ab0Cd2Ef4Gh6Ij",
            ]),
            "aws-secret-access-key",
        ),
        (
            tok(&[
                "{\"type\": \"service_account\", \"private_key_id\": \"",
                "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
                "\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\"}",
            ]),
            "gcp-service-account-key",
        ),
        (
            tok(&["AIza", "SyB3kQ9vXw2Lm7Np4Rs6Tv1Wx3Yz5Ab0Cde"]),
            "gcp-api-key",
        ),
        (
            tok(&[
                "DefaultEndpointsProtocol=https;AccountName=bd;AccountKey=",
                &"Zk9QmT2vX8wLr4Ns6Pb1Yc3Hd5Jf7Kg0".repeat(3)[..86],
                "==",
            ]),
            "azure-storage-connection-string",
        ),
        (
            tok(&["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]),
            "stripe-secret-key",
        ),
        (
            tok(&["rk_", "live_", "9fK2mQ7xR4tV8wZ1bN3cL6pJ"]),
            "stripe-restricted-key",
        ),
        (
            tok(&["ghp", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s05tJUC"]),
            "github-token",
        ),
        (
            tok(&["gho", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s05tJUC"]),
            "github-token",
        ),
        (
            tok(&[
                "github_",
                "pat_",
                "11ABCDEFG0r8X2kq9LmZ4v_",
                &"r8X2kq9LmZ4vT7wN".repeat(4)[..59],
            ]),
            "github-fine-grained-token",
        ),
        (tok(&["glpat", "-", "Xy7Qm2Rt9Lp4Nv8Kb3Wz"]), "gitlab-token"),
        (
            tok(&[
                "xoxb",
                "-",
                "2048123456-4096123456789-Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcD",
            ]),
            "slack-token",
        ),
        (
            tok(&[
                "https://hooks.slack.com/services/",
                "T024BE7LD/B01ABCD23EF/",
                "Qm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
            ]),
            "slack-webhook",
        ),
        (
            tok(&["SK", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"]),
            "twilio-api-key",
        ),
        (
            tok(&[
                "SG",
                ".",
                "Qm7Rt9Lp4Nv8Kb3Wz5Xy1A",
                ".",
                "Rt9Lp4Nv8Kb3Wz5Xy1AcQm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
            ]),
            "sendgrid-api-key",
        ),
        (
            tok(&[
                "sk-",
                "proj-",
                "Qm7Rt9Lp4Nv8Kb3WT3BlbkFJz5Xy1AcDeLp4Nv8Kb3W",
            ]),
            "openai-api-key",
        ),
        (
            tok(&[
                "-----BEGIN ",
                "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            ]),
            "private-key",
        ),
        (
            tok(&[
                "eyJhbGciOiJIUzI1NiJ9",
                ".",
                "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
                ".",
                "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ]),
            "jwt",
        ),
        (
            tok(&["postgres://app:", "Tr0ub4dor-x9Q", "@db.internal:5432/app"]),
            "database-url-password",
        ),
        (
            tok(&["const API_KEY = \"", "q8Jd7Kf2Lm9Np4Rs6Tv1", "\""]),
            "generic-secret",
        ),
        (
            tok(&["client_secret: ", "Zx8Lq2Wm5Rt9Yp3Nb7Vc"]),
            "generic-secret",
        ),
    ];
    for (text, rule) in &cases {
        assert_eq!(rules_of(text), vec![*rule], "in {text:?}");
    }
}

#[test]
fn reports_line_column_and_redacts() {
    let key = tok(&["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]);
    let text = format!("line one\n  const k = \"{key}\";\n");
    let m = scan(&text);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].line, m[0].column), (2, 14));
    assert_eq!(m[0].redacted, "sk_l…(32 chars)");
    assert!(!m[0].redacted.contains(&key[4..]));
}

#[test]
fn redaction_never_shows_more_than_a_quarter() {
    assert_eq!(redact("abcdefgh"), "ab…(8 chars)");
    assert_eq!(redact("abc"), "…(3 chars)");
    assert_eq!(redact(&"x".repeat(100)), "xxxx…(100 chars)");
}

#[test]
fn ignores_documented_examples_and_placeholders() {
    let texts = [
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE".to_string(),
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_string(),
        "API_KEY=<your-api-key-goes-here>".to_string(),
        "API_KEY=${STRIPE_SECRET_KEY_FROM_ENV}".to_string(),
        "password: changeme_changeme_1234".to_string(),
        "SECRET_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx".to_string(),
        "api_key: \"your_api_key_here_1234567\"".to_string(),
        "DATABASE_URL=postgres://user:password@localhost/db".to_string(),
        "DATABASE_URL=postgres://user:${DB_PASSWORD}@localhost/db".to_string(),
        "const token = process.env.API_TOKEN_VALUE_XYZ".to_string(),
        tok(&["stripe test: sk_", "test_", "4eC39HqLyjWDarjtT1zdp7dc"]),
    ];
    for t in &texts {
        assert!(
            scan(t).is_empty(),
            "unexpected match in {t:?}: {:?}",
            scan(t)
        );
    }
}

#[test]
fn ignores_lockfile_hashes_uuids_and_low_entropy() {
    let texts = [
        "  \"js-tokens\": \"sha512-Q8Jd7Kf2Lm9Np4Rs6Tv1Wx3Yz5Ab0Cd2Ef4Gh6IjKl8Mn0Op2Qr4St6Uv8Wx0Yz2Ab4Cd6Ef8Gh0Ij2Kl4Mn6Op8Q==\"",
        "api_key = 123e4567-e89b-12d3-a456-426614174000",
        "session_token = aaaaaaaaaaaaaaaaaaaaaaaa",
        "password_hint = abababababababababab",
        "token = abcabcabcabcabcabc",
    ];
    for t in texts {
        assert!(
            scan(t).is_empty(),
            "unexpected match in {t:?}: {:?}",
            scan(t)
        );
    }
}

#[test]
fn ignores_prefixes_inside_encoded_binaries() {
    let blob = format!(
        "url(data:font/woff2;base64,d09GMgABAAAAA{}{}AAAA)",
        tok(&["AKIA", "Z7QW3RT5YU6IOPLK"]),
        "Qm7Rt9Lp4Nv8Kb3W".repeat(20)
    );
    assert!(scan(&blob).is_empty(), "{:?}", scan(&blob));
    let long_b64 = format!(
        "{}{}{}",
        "Qm7Rt9Lp4Nv8Kb3W".repeat(10),
        tok(&["AKIA", "Z7QW3RT5YU6IOPLK"]),
        "Qm7Rt9Lp4Nv8Kb3W".repeat(10)
    );
    assert!(scan(&long_b64).is_empty());
}

#[test]
fn a_pem_header_alone_is_not_a_key() {
    assert!(scan("if (s.startsWith('-----BEGIN PRIVATE KEY-----')) {").is_empty());
}

#[test]
fn one_span_is_reported_once_by_the_most_specific_rule() {
    let t = tok(&["STRIPE_SECRET_KEY=sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]);
    assert_eq!(rules_of(&t), vec!["stripe-secret-key"]);
}

#[test]
fn finds_several_secrets_in_order_in_minified_code() {
    let t = tok(&[
        "var a={k:\"sk_",
        "live_",
        "4eC39HqLyjWDarjtT1zdp7dc\"},b=\"ghp",
        "_",
        "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s05tJUC\";",
    ]);
    let m = scan(&t);
    assert_eq!(
        m.iter().map(|m| m.rule).collect::<Vec<_>>(),
        ["stripe-secret-key", "github-token"]
    );
    assert!(m[0].column < m[1].column);
}

#[test]
fn entropy_separates_random_from_words() {
    assert!(shannon_entropy("q8Jd7Kf2Lm9Np4Rs6Tv1") > 4.0);
    assert!(shannon_entropy("passwordpassword") < 3.0);
    assert!((shannon_entropy("") - 0.0).abs() < f64::EPSILON);
}

#[test]
fn redact_text_replaces_each_secret_with_its_preview_and_keeps_the_rest() {
    let key = ["sk", "_live_", "Q7mW2xR9tK4pL8vN3bZ6cY1d"].concat();
    let text = format!("rollback: redeploy v12\nold key {key} rotated");
    let out = redact_text(&text);
    assert_eq!(
        out,
        "rollback: redeploy v12\nold key sk_l…(32 chars) rotated"
    );
    assert_eq!(redact_text("no secrets here"), "no secrets here");
}

#[test]
fn a_vendor_shape_failing_its_checksum_is_not_reported_by_the_generic_rule() {
    let body = "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s";
    let broken = tok(&["const githubToken = 'ghp", "_", body, "000000';"]);
    assert!(scan(&broken).is_empty(), "{:?}", scan(&broken));
    let valid = format!(
        "const githubToken = '{}';",
        crate::secret_validate::checksummed_token("ghp_", body)
    );
    assert_eq!(rules_of(&valid), ["github-token"]);
}

/// One sample of each vendor rule in the assignments it is found in: bare tokens under
/// secret-sounding names (which the generic rule also reads), and the rules that need a
/// context in that context.
fn vendor_assignments() -> Vec<(&'static str, Vec<String>)> {
    let bare = |v: String| {
        vec![
            format!("TWILIO_AUTH_TOKEN={v}\n"),
            format!("const API_KEY = \"{v}\";\n"),
            format!("client_secret: '{v}'\n"),
            format!("{{\"access_token\": \"{v}\"}}"),
        ]
    };
    let hex32 = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e";
    let azure_key = tok(&[&"Zk9QmT2vX8wLr4Ns6Pb1Yc3Hd5Jf7Kg0".repeat(3)[..86], "=="]);
    vec![
        (
            "private-key",
            vec![tok(&[
                "PRIVATE_KEY=\"-----BEGIN ",
                "PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\"\n",
            ])],
        ),
        (
            "aws-access-key-id",
            bare(tok(&["AKIA", "Z7QW3RT5YU6IOPLK"])),
        ),
        (
            "aws-secret-access-key",
            vec![tok(&[
                "AWS_SECRET_ACCESS_KEY=",
                "q8Jd7Kf2Lm9Np4Rs6Tv1Wx3Yz5Ab0Cd2Ef4Gh6Ij\n",
            ])],
        ),
        (
            "gcp-service-account-key",
            vec![tok(&[
                "{\"type\": \"service_account\", \"private_key_id\": \"",
                "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
                "\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\"}",
            ])],
        ),
        (
            "gcp-api-key",
            bare(tok(&["AIza", "SyB3kQ9vXw2Lm7Np4Rs6Tv1Wx3Yz5Ab0Cde"])),
        ),
        (
            "azure-storage-connection-string",
            vec![tok(&[
                "STORAGE_SECRET=DefaultEndpointsProtocol=https;AccountName=bd;AccountKey=",
                &azure_key,
                "\n",
            ])],
        ),
        (
            "azure-storage-key",
            vec![format!("AZURE_STORAGE_KEY={azure_key}\n")],
        ),
        (
            "stripe-secret-key",
            bare(tok(&["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"])),
        ),
        (
            "stripe-restricted-key",
            bare(tok(&["rk_", "live_", "9fK2mQ7xR4tV8wZ1bN3cL6pJ"])),
        ),
        (
            "github-token",
            bare(tok(&["ghp", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s05tJUC"])),
        ),
        (
            "github-fine-grained-token",
            bare(tok(&[
                "github_",
                "pat_",
                "11ABCDEFG0r8X2kq9LmZ4v_",
                &"r8X2kq9LmZ4vT7wN".repeat(4)[..59],
            ])),
        ),
        (
            "gitlab-token",
            bare(tok(&["glpat", "-", "Xy7Qm2Rt9Lp4Nv8Kb3Wz"])),
        ),
        (
            "slack-webhook",
            bare(tok(&[
                "https://hooks.slack.com/services/",
                "T024BE7LD/B01ABCD23EF/",
                "Qm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
            ])),
        ),
        (
            "slack-token",
            bare(tok(&[
                "xoxb",
                "-",
                "2048123456-4096123456789-Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcD",
            ])),
        ),
        ("twilio-api-key", {
            let key = tok(&["SK", hex32]);
            let mut v = bare(key.clone());
            // The key with its secret: one credential, one finding.
            v.push(format!(
                "TWILIO_API_KEY={key}\nTWILIO_API_SECRET=Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcDe2Fg6Hj0\n"
            ));
            v
        }),
        (
            "twilio-account-sid",
            vec![
                format!(
                    "TWILIO_ACCOUNT_SID={}\nTWILIO_AUTH_TOKEN=9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e\n",
                    tok(&["AC", hex32])
                ),
                // The token first, in code.
                format!(
                    "const TWILIO_AUTH_TOKEN = '9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e';\nconst sid = '{}';\n",
                    tok(&["AC", hex32])
                ),
            ],
        ),
        (
            "sendgrid-api-key",
            bare(tok(&[
                "SG",
                ".",
                "Qm7Rt9Lp4Nv8Kb3Wz5Xy1A",
                ".",
                "Rt9Lp4Nv8Kb3Wz5Xy1AcQm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
            ])),
        ),
        ("openai-api-key", {
            let mut v = bare(tok(&[
                "sk-",
                "proj-",
                "Qm7Rt9Lp4Nv8Kb3WT3BlbkFJz5Xy1AcDeLp4Nv8Kb3W",
            ]));
            v.extend(bare(tok(&[
                "sk-",
                "Qm7Rt9Lp4Nv8Kb3Wz5Xy",
                "T3BlbkFJ",
                "Lp4Nv8Kb3WQm7Rt9z5Xy",
            ])));
            v
        }),
        (
            "anthropic-api-key",
            bare(tok(&[
                "sk-ant-",
                "api03-",
                &"Qm7Rt9Lp4Nv8Kb3W".repeat(6),
                "AA",
            ])),
        ),
        (
            "npm-token",
            bare(crate::secret_validate::checksummed_token(
                "npm_",
                "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s",
            )),
        ),
        ("mailgun-api-key", bare(tok(&["key-", hex32]))),
        (
            "jwt",
            bare(tok(&[
                "eyJhbGciOiJIUzI1NiJ9",
                ".",
                "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
                ".",
                "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ])),
        ),
        (
            "database-url-password",
            vec![
                tok(&[
                    "DB_PASSWORD=postgres://app:",
                    "Tr0ub4dor-x9Q",
                    "@db.internal:5432/app\n",
                ]),
                tok(&[
                    "const password = 'mysql://app:",
                    "Tr0ub4dor-x9Q",
                    "@db.internal/app';\n",
                ]),
            ],
        ),
    ]
}

#[test]
fn a_vendor_value_under_a_secret_name_is_one_finding_by_its_vendor_rule() {
    let samples = vendor_assignments();
    let covered: Vec<&str> = samples.iter().map(|(rule, _)| *rule).collect();
    for r in RULES.iter().filter(|r| r.id != "generic-secret") {
        assert!(covered.contains(&r.id), "no sample for {}", r.id);
    }
    for (rule, texts) in &samples {
        for text in texts {
            assert_eq!(rules_of(text), [*rule], "in {text:?}");
        }
    }
}

#[test]
fn a_twilio_secret_half_stays_the_generic_rules_when_no_sid_is_near() {
    let token = "TWILIO_AUTH_TOKEN=9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e\n";
    assert_eq!(rules_of(token), ["generic-secret"]);
    // Far from the SID (past the pairing window), the token is a finding of its own.
    let far = format!(
        "TWILIO_ACCOUNT_SID={}\n{}{token}",
        tok(&["AC", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"]),
        "# filler line of configuration notes\n".repeat(20)
    );
    assert_eq!(rules_of(&far), ["generic-secret"]);
}

#[test]
fn a_vendor_shape_its_validator_drops_is_not_reported_under_a_secret_name() {
    let body = "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s";
    let dropped = [
        tok(&["ghp", "_", body, "000000"]),
        tok(&["npm", "_", body, "000000"]),
        tok(&["AKIA", "Z7QW3RT5YU8IOPLK"]),
        tok(&["xoxb", "-", "2048-4096-Qm7Rt9Lp4Nv8Kb3W"]),
        tok(&["AC", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"]),
        tok(&["sk_", "live_", "aaaaaaaaaaaaaaaaaaaaaaaa"]),
    ];
    for value in &dropped {
        for text in [
            format!("TWILIO_AUTH_TOKEN={value}\n"),
            format!("const API_KEY = \"{value}\";\n"),
        ] {
            assert!(scan(&text).is_empty(), "in {text:?}: {:?}", scan(&text));
        }
    }
}

/// Example and template env files as projects ship them: empty values, placeholders,
/// references to other variables, comments, `export`, quotes and CRLF line ends. None of
/// them holds a credential, so none may give a finding — in particular an empty value
/// must not take the next line as its value.
fn template_env_corpus() -> Vec<(&'static str, String)> {
    vec![
        (
            "empty values",
            "STRIPE_SECRET_KEY=\nNEXT_PUBLIC_API_URL=https://api.acme.test\n".to_string(),
        ),
        (
            "empty values, spaces after the sign",
            "SESSION_SECRET= \nAPI_TOKEN=\t\nNEXT_PUBLIC_API_URL=https://api.acme.test/v1/abcdefgh\n"
                .to_string(),
        ),
        (
            "empty value before a long base URL and a comment",
            "CLIENT_SECRET=\n# https://dashboard.acme.test/settings/developers/applications\nSENTRY_DSN=https://public@o1234.ingest.sentry.io/5678901\n"
                .to_string(),
        ),
        (
            "colon style, empty",
            "auth_token:\n  endpoint: https://api.acme.test/v2/graphqlEndpoint\n".to_string(),
        ),
        (
            "placeholders",
            [
                "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n",
                "OPENAI_API_KEY=<your-key>\n",
                "API_KEY=your-api-key-here\n",
                "JWT_SECRET=changeme\n",
                "ADMIN_PASSWORD=change_me_before_deploy\n",
                "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
            ]
            .concat(),
        ),
        (
            "references to other variables",
            "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app\nAPI_SECRET=${API_SECRET_FROM_VAULT}\nTOKEN=$TOKEN_FROM_CI_PROVIDER\n"
                .to_string(),
        ),
        (
            "comments and export prefixes",
            "# Stripe: get a key at https://dashboard.stripe.com/apikeys\nexport STRIPE_SECRET_KEY=\n# export SESSION_SECRET=\nexport NEXT_PUBLIC_APP_NAME=Acme\n"
                .to_string(),
        ),
        (
            "quoted empty and placeholder values",
            "SESSION_SECRET=\"\"\nAPI_KEY=''\nCLIENT_SECRET=\"<your-client-secret>\"\nWEBHOOK_SECRET='whsec_...'\n"
                .to_string(),
        ),
        (
            "CRLF line ends",
            "STRIPE_SECRET_KEY=\r\nNEXT_PUBLIC_API_URL=https://api.acme.test\r\nSESSION_SECRET=\r\nREDIS_URL=redis://localhost:6379\r\n"
                .to_string(),
        ),
        (
            "a name alone before a random-looking next line",
            "PRIVATE_KEY=\nQm7Rt9Lp4Nv8Kb3Wz5Xy1AcDeFgHiJk\n".to_string(),
        ),
    ]
}

#[test]
fn example_env_templates_give_no_findings() {
    for (what, text) in template_env_corpus() {
        assert!(
            scan(&text).is_empty(),
            "{what}: unexpected {:?}",
            scan(&text)
        );
    }
}

#[test]
fn a_real_looking_value_in_an_env_file_is_still_found() {
    let cases = [
        (
            tok(&["SESSION_SECRET=", "k3J9xQ2mL7pR4vT8wZ1nB6cF", "\n"]),
            "generic-secret",
            1,
        ),
        (
            tok(&[
                "# prod\r\nexport API_TOKEN=\"",
                "Qm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
                "\"\r\n",
            ]),
            "generic-secret",
            2,
        ),
        (
            tok(&[
                "EMPTY=\nSTRIPE_SECRET_KEY=sk_",
                "live_",
                "4eC39HqLyjWDarjtT1zdp7dc\n",
            ]),
            "stripe-secret-key",
            2,
        ),
        (
            tok(&["client_secret: ", "k3J9xQ2mL7pR4vT8wZ1nB6cF", "\n"]),
            "generic-secret",
            1,
        ),
    ];
    for (text, rule, line) in &cases {
        let m = scan(text);
        assert_eq!(
            m.iter().map(|m| (m.rule, m.line)).collect::<Vec<_>>(),
            [(*rule, *line)],
            "in {text:?}"
        );
    }
}

fn hidden_by_shape(text: &str) -> Vec<&str> {
    ranges(text, Mode::Shape)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

#[test]
fn shape_mode_hides_what_the_scan_lets_through() {
    let example = tok(&["AKIA", "IOSFODNN7EXAMPLE"]);
    let bad_checksum = tok(&["ghp", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s000000"]);
    let short_live = tok(&["sk_", "live_", "4eC39HqLyj"]);
    for value in [&example, &bad_checksum, &short_live] {
        let text = format!("on the slide: {value}, then the demo");
        assert!(scan(&text).is_empty(), "the scan keeps its filters: {text}");
        assert_eq!(hidden_by_shape(&text), [value.as_str()], "{text}");
    }
    // Everything a scan finds is hidden by shape too.
    let live = tok(&["const k = \"sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc\";"]);
    assert_eq!(ranges(&live, Mode::Shape), ranges(&live, Mode::Scan));
    // Overlapping shapes are one range.
    let pair = tok(&["STRIPE_SECRET_KEY=sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]);
    assert_eq!(hidden_by_shape(&pair).len(), 1);
}

#[test]
fn shape_mode_leaves_words_and_plain_urls_alone() {
    for text in [
        "Deploy the skeleton app, then ask about the token budget and the API keys page",
        "https://api.acme.test/v1/orders?page=2 and https://docs.acme.test/keys#rotate",
        "the secret to a calm launch is a rollback plan; password resets go through support",
        "AKIA, ghp_ and sk_live_ are prefixes worth knowing",
        "task-runner ask-me sk-8 skeleton_key",
        "secrets.exposed: stripe-secret-key at src/pay.ts:3 (sk_l…(32 chars))",
    ] {
        assert!(
            ranges(text, Mode::Shape).is_empty(),
            "{text}: {:?}",
            hidden_by_shape(text)
        );
    }
}
