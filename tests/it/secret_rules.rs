//! The shared secret rules on realistic files: what must be found, what must not.
//! Credential-shaped values are assembled from parts so that no complete one sits in the
//! source.

use launch_ready_core::secret_rules::{redact, scan};

fn rules(text: &str) -> Vec<&'static str> {
    scan(text).into_iter().map(|m| m.rule).collect()
}

#[test]
fn a_leaky_frontend_bundle() {
    let bundle = [
        "!function(){\"use strict\";var e={apiBase:\"https://api.brightdesk.test\",",
        "stripe:\"sk_",
        "live_",
        "Lb7Qx2Rm9Tz4Wn8Kc3Vp6Hd1\",",
        "gh:\"ghp",
        "_",
        "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s05tJUC\",",
        "openai:\"sk-",
        "proj-",
        "Qm7Rt9Lp4Nv8Kb3WT3BlbkFJz5Xy1AcDeLp4Nv8Kb3W\",",
        "anon:\"pk_",
        "live_",
        "Lb7Qx2Rm9Tz4Wn8Kc3Vp6Hd1\"",
        "};window.cfg=e}();\n",
        "//# sourceMappingURL=app.js.map\n",
    ]
    .concat();
    let found = scan(&bundle);
    assert_eq!(
        found.iter().map(|m| m.rule).collect::<Vec<_>>(),
        ["stripe-secret-key", "github-token", "openai-api-key"],
        "publishable keys are not secrets"
    );
    assert!(found.iter().all(|m| m.line == 1));
    for m in &found {
        let shown = m.redacted.split('…').next().unwrap();
        assert!(shown.chars().count() <= 4, "{}", m.redacted);
    }
}

#[test]
fn a_committed_env_file_with_service_credentials() {
    let env = [
        "# production\n",
        "DATABASE_URL=postgres://bd:",
        "Xr7Kp2Qm9Lz4",
        "@db.internal:5432/bd\n",
        "AWS_ACCESS_KEY_ID=AKIA",
        "Z7QW3RT5YU6IOPLK\n",
        "SLACK_WEBHOOK=https://hooks.slack.com/services/",
        "T024BE7LD/B01ABCD23EF/Qm7Rt9Lp4Nv8Kb3Wz5Xy1Ac\n",
        "SENDGRID_API_KEY=SG",
        ".Qm7Rt9Lp4Nv8Kb3Wz5Xy1A.Rt9Lp4Nv8Kb3Wz5Xy1AcQm7Rt9Lp4Nv8Kb3Wz5Xy1Ac\n",
        "GITLAB_TOKEN=glpat",
        "-Xy7Qm2Rt9Lp4Nv8Kb3Wz\n",
        "SESSION_SECRET=",
        "k3J9xQ2mL7pR4vT8wZ1nB6cF\n",
    ]
    .concat();
    let found = scan(&env);
    assert_eq!(
        found.iter().map(|m| (m.rule, m.line)).collect::<Vec<_>>(),
        [
            ("database-url-password", 2),
            ("aws-access-key-id", 3),
            ("slack-webhook", 4),
            ("sendgrid-api-key", 5),
            ("gitlab-token", 6),
            ("generic-secret", 7),
        ]
    );
    assert_eq!(found[1].column, 19);
}

#[test]
fn a_service_account_key_file() {
    let json = [
        "{\n  \"type\": \"service_account\",\n  \"project_id\": \"brightdesk\",\n",
        "  \"private_key_id\": \"", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a", "\",\n",
        "  \"private_key\": \"-----BEGIN ", "PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\\n-----END PRIVATE KEY-----\\n\"\n}\n",
    ]
    .concat();
    assert_eq!(rules(&json), ["gcp-service-account-key", "private-key"]);
}

#[test]
fn an_env_example_and_docs_are_clean() {
    let example = "\
# Copy to .env and fill in
DATABASE_URL=postgres://user:password@localhost:5432/app
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
OPENAI_API_KEY=<your-openai-key>
SESSION_SECRET=${SESSION_SECRET}
API_TOKEN=changeme
REQUEST_ID=0b5e7c3a-9f1d-4e2b-8a6c-3d4f5e6a7b8c
";
    assert!(scan(example).is_empty(), "{:?}", scan(example));
}

#[test]
fn lock_files_and_encoded_assets_are_clean() {
    let lock = "\
\"node_modules/js-tokens\": {
  \"version\": \"4.0.0\",
  \"resolved\": \"https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz\",
  \"integrity\": \"sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==\"
}
";
    assert!(scan(lock).is_empty(), "{:?}", scan(lock));
    let css = format!(
        "@font-face{{src:url(data:font/woff2;base64,d09GMgABAAAAA{}{})}}",
        ["AKIA", "Z7QW3RT5YU6IOPLK"].concat(),
        "Qm7Rt9Lp4Nv8Kb3W".repeat(40)
    );
    assert!(scan(&css).is_empty());
}

#[test]
fn redaction_keeps_the_length_only() {
    let secret = ["sk_", "live_", "Lb7Qx2Rm9Tz4Wn8Kc3Vp6Hd1"].concat();
    assert_eq!(redact(&secret), "sk_l…(32 chars)");
}
