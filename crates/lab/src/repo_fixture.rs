//! The demo product's repository, build folder and env files, generated at lab start into
//! the lab's temp dir, so the demo session's `secrets.*` and `env.*` checks have something
//! real to find: planted credentials in the working tree, only in history, in the bundle
//! and inside a source map, plus the decoys a scanner must leave alone.
//!
//! Every planted value is fake (they name the demo and were never issued) yet has the
//! structure its rule validates, checksums included. They are assembled at run time, so
//! no complete credential sits in this source; `planted_secrets` lists them for tests that
//! grep outputs for leaks.

use crate::FixtureError;
use git2::{IndexAddOption, Repository, Signature, Time};
use launch_ready_core::secret_validate::checksummed_token;
use launch_ready_core::session::model::EnvFile;
use std::path::{Path, PathBuf};

/// Where a planted value sits in the fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A file of the working tree (and so of the last commit).
    WorkingTree,
    /// A file added in one commit and deleted in the next.
    HistoryOnly,
    /// The built JavaScript bundle.
    Bundle,
    /// The `sourcesContent` of the bundle's source map.
    SourceMap,
    /// The deploy env files the session names (not in the repository).
    EnvFile,
}

/// One planted credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// The rule expected to find it (`env-value` for env file values).
    pub rule: &'static str,
    pub place: Place,
    pub value: String,
}

/// The planted credentials, in a fixed order.
pub fn planted_secrets() -> Vec<Planted> {
    let p = |rule, place, value: String| Planted { rule, place, value };
    vec![
        p(
            "stripe-secret-key",
            Place::WorkingTree,
            ["sk_", "live_", "51BrightdeskDemo0nly4Lab9xQ"].concat(),
        ),
        p(
            "aws-access-key-id",
            Place::WorkingTree,
            ["AKIA", "BRIGHTDESKDEM2LAB"].concat()[..20].to_string(),
        ),
        p(
            "github-token",
            Place::WorkingTree,
            checksummed_token("ghp_", "BrightdeskDemoLabOnly0000000x1"),
        ),
        p(
            "slack-webhook",
            Place::HistoryOnly,
            [
                "https://hooks.slack.com/services/",
                "T0BRIGHTDK/B0DEMOLAB1/",
                "BrightdeskDemo0nlyWebhookX",
            ]
            .concat(),
        ),
        p(
            "twilio-account-sid",
            Place::HistoryOnly,
            ["AC", "b1d0de40000000000000000000000001"].concat(),
        ),
        p(
            "anthropic-api-key",
            Place::Bundle,
            [
                "sk-ant-",
                "api03-",
                &"BrightdeskDemoLabOnlyNotARealKey".repeat(3),
                "AA",
            ]
            .concat(),
        ),
        p(
            "npm-token",
            Place::SourceMap,
            checksummed_token("npm_", "BrightdeskDemoLabOnly000000map"),
        ),
        p(
            "env-value",
            Place::EnvFile,
            ["Bd7xK2q", "9Lm4Zr8", "Demo5Tv"].concat(),
        ),
        p(
            "stripe-secret-key",
            Place::EnvFile,
            ["sk_", "live_", "51BrightdeskPublic0nly7Qx2"].concat(),
        ),
        p(
            "database-url-password",
            Place::EnvFile,
            ["Pg7Demo", "Lab2x"].concat(),
        ),
        // The SID's auth token: the other half of the pair, reported with the SID.
        p(
            "twilio-account-sid",
            Place::HistoryOnly,
            ["9b8c7d6e5f4a3b2c", "1d0e9f8a7b6c5d4e"].concat(),
        ),
    ]
}

/// The first planted value of `rule`; `nth_value_of(rule, 1)` the second.
fn value_of(rule: &str) -> String {
    nth_value_of(rule, 0)
}

fn nth_value_of(rule: &str, n: usize) -> String {
    planted_secrets()
        .into_iter()
        .filter(|p| p.rule == rule)
        .nth(n)
        .map(|p| p.value)
        .unwrap_or_default()
}

/// The generated repository, build folder and env files; dropping it removes them.
#[derive(Debug)]
pub struct DemoRepo {
    pub repo: PathBuf,
    pub build_dir: PathBuf,
    pub env_files: Vec<EnvFile>,
}

/// Writes the fixture under `dir` (which must exist).
pub fn create(dir: &Path) -> Result<DemoRepo, FixtureError> {
    let root = dir.join("brightdesk");
    let env_dir = dir.join("deploy");
    let git = |what: &'static str| move |source| FixtureError::Git { what, source };
    let io = |what: &str| {
        let what = what.to_string();
        move |source| FixtureError::Io { what, source }
    };
    let repo = Repository::init(&root).map_err(git("git init"))?;
    let write = |rel: &str, text: &str| -> Result<(), FixtureError> {
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(io(rel))?;
        }
        std::fs::write(&p, text).map_err(io(rel))
    };
    let secrets = planted_secrets();
    let envs: Vec<&Planted> = secrets
        .iter()
        .filter(|p| p.place == Place::EnvFile)
        .collect();
    let (session_secret, public_stripe, db_password) =
        (&envs[0].value, &envs[1].value, &envs[2].value);

    // `.env` files are not ignored: env.not_gitignored, and a committed `.env.production`.
    write(".gitignore", "node_modules/\ndist/\n")?;
    write(
        "src/billing.ts",
        &format!(
            "export const stripe = new Stripe('{}', {{ apiVersion: '2024-06-20' }});\n",
            value_of("stripe-secret-key")
        ),
    )?;
    write(
        ".env.production",
        &format!(
            "AWS_ACCESS_KEY_ID={}\nGITHUB_TOKEN={}\n",
            value_of("aws-access-key-id"),
            value_of("github-token")
        ),
    )?;
    write(
        ".env.example",
        "DATABASE_URL=\nSESSION_SECRET=\nSTRIPE_SECRET_KEY=\nNEXT_PUBLIC_STRIPE_KEY=\nSENTRY_DSN=\n",
    )?;
    write_decoys(&write)?;
    // The integration added in one commit and removed in the next lives only in history.
    write(
        "src/notify.ts",
        &format!(
            "const SLACK = '{}';\nconst TWILIO_ACCOUNT_SID = '{}';\nconst TWILIO_AUTH_TOKEN = '{}';\n",
            value_of("slack-webhook"),
            value_of("twilio-account-sid"),
            nth_value_of("twilio-account-sid", 1),
        ),
    )?;
    commit_all(&repo, "Billing, notifications and deploy settings").map_err(git("commit"))?;
    std::fs::remove_file(root.join("src/notify.ts")).map_err(io("src/notify.ts"))?;
    commit_all(&repo, "Remove notifications").map_err(git("commit"))?;

    // The build output (ignored by git), with a bundle and its source map.
    let bundle = format!(
        "!function(){{var c={{api:\"https://api.brightdesk.test\",assistant:\"{}\"}};window.bd=c}}();\n//# sourceMappingURL=app.js.map\n",
        value_of("anthropic-api-key")
    );
    write("dist/assets/app.js", &bundle)?;
    let source = format!(
        "// registry access for the release script\nexport const registry = '{}';\n",
        value_of("npm-token")
    );
    let map = serde_json::json!({
        "version": 3,
        "file": "app.js",
        "sources": ["src/release.ts"],
        "sourcesContent": [source],
        "mappings": "AAAA",
    });
    write("dist/assets/app.js.map", &map.to_string())?;

    std::fs::create_dir_all(&env_dir).map_err(io("deploy"))?;
    let env_file = |name: &str, text: String| -> Result<PathBuf, FixtureError> {
        let p = env_dir.join(name);
        std::fs::write(&p, text).map_err(io(name))?;
        Ok(p)
    };
    let db = |host: &str| format!("postgres://bd:{db_password}@{host}/bd");
    // Staging and production share the session secret; production lacks SENTRY_DSN and
    // exposes a secret key in a client variable.
    let staging = env_file(
        "staging.env",
        format!(
            "DATABASE_URL={}\nSESSION_SECRET={session_secret}\nSTRIPE_SECRET_KEY=\nNEXT_PUBLIC_STRIPE_KEY=pk_test_demo\nSENTRY_DSN=https://public@sentry.brightdesk.test/2\n",
            db("db.staging.internal")
        ),
    )?;
    let production = env_file(
        "production.env",
        format!(
            "DATABASE_URL={}\nSESSION_SECRET={session_secret}\nSTRIPE_SECRET_KEY=\nNEXT_PUBLIC_STRIPE_KEY={public_stripe}\n",
            db("db.internal")
        ),
    )?;
    Ok(DemoRepo {
        build_dir: root.join("dist"),
        env_files: vec![
            EnvFile {
                environment: "example".into(),
                path: root.join(".env.example"),
            },
            EnvFile {
                environment: "staging".into(),
                path: staging,
            },
            EnvFile {
                environment: "production".into(),
                path: production,
            },
        ],
        repo: root,
    })
}

/// Values a scanner must not report: documented examples, placeholders, a test-mode key,
/// lock-file integrity hashes, UUIDs and an inline image.
fn write_decoys(
    write: &dyn Fn(&str, &str) -> Result<(), FixtureError>,
) -> Result<(), FixtureError> {
    write(
        "docs/aws.md",
        &[
            "Example from the AWS docs:\n\nAWS_ACCESS_KEY_ID=AKIA",
            "IOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
            "EXAMPLEKEY\n",
        ]
        .concat(),
    )?;
    write(
        "src/defaults.ts",
        &[
            "const API_KEY = 'YOUR_API_KEY_HERE';\nconst password = 'changeme';\nconst token = 'xxxxxxxxxxxxxxxxxxxx';\n",
            "const stripeTest = 'sk_",
            "test_",
            "51BrightdeskDemo0nly4Lab9xQ';\n",
            "const TENANT_ID = '3f2b8c1e-9a4d-4e7f-b2c6-1d8e5f3a7b90';\n",
        ]
        .concat(),
    )?;
    write(
        "package-lock.json",
        "{\n  \"packages\": {\n    \"node_modules/js-tokens\": {\n      \"integrity\": \"sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==\"\n    }\n  }\n}\n",
    )?;
    write(
        "src/logo.css",
        &format!(
            ".logo{{background:url(data:image/png;base64,iVBORw0KGgo{}AKIA{})}}\n",
            "AAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ".repeat(8),
            "QWERTY2345ABCDEF".repeat(4)
        ),
    )
}

fn commit_all(repo: &Repository, message: &str) -> Result<(), git2::Error> {
    let mut index = repo.index()?;
    index.add_all(["*"].iter(), IndexAddOption::DEFAULT, None)?;
    index.update_all(["*"].iter(), None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    // A fixed author and date: the fixture is the same on every start.
    let sig = Signature::new(
        "Brightdesk Dev",
        "dev@brightdesk.test",
        &Time::new(1_767_225_600, 0),
    )?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)?;
    Ok(())
}
