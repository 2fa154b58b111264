//! Advice for the `env` family: variable inventory across environments and `.gitignore`.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "env.missing_var",
        Advice {
            headline: "A setting is missing in one environment",
            impact: "The app may fail to start there, or a feature quietly stops working.",
            fix: "Set the missing variable (the evidence names it) in that environment's \
                  configuration before deploying.",
        },
    ),
    (
        "env.shared_secret",
        Advice {
            headline: "Test and live environments share a secret",
            impact: "A leak from the less guarded test setup also opens the live product.",
            fix: "Generate a separate value for production and replace it there.",
        },
    ),
    (
        "env.client_exposed_secret",
        Advice {
            headline: "A secret is set up to be sent to browsers",
            impact: "Variables with a public prefix (NEXT_PUBLIC_, VITE_, REACT_APP_, \
                     PUBLIC_) are built into the pages, so anyone can read this one.",
            fix: "Rename it without the public prefix, use it only in server code, and rotate \
                  it.",
        },
    ),
    (
        "env.not_gitignored",
        Advice {
            headline: "Settings files with secrets could be committed",
            impact: "One careless commit puts the secrets into the repository for good.",
            fix: "Add .env and .env.* to .gitignore, with an exception for .env.example.",
        },
    ),
];
