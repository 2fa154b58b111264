//! Advice for the `secrets` family: credentials in the tree, history and build output.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "secrets.exposed",
        Advice {
            headline: "A password or API key is written in the code",
            impact: "Anyone who sees the code, or a leaked copy of it, can use that service \
                     as you.",
            fix: "Revoke and rotate the key at its provider, then load it from an environment \
                  variable or a secret store instead.",
        },
    ),
    (
        "secrets.in_history",
        Advice {
            headline: "An old password or API key is in the code history",
            impact: "It was removed from the files, but anyone with the repository can still \
                     read it in past commits.",
            fix: "Rotate the key at its provider; rewriting history (git filter-repo) only \
                  helps once the key no longer works.",
        },
    ),
    (
        "secrets.in_build_output",
        Advice {
            headline: "A secret key is in the built website files",
            impact: "Once deployed, every visitor's browser downloads it and anyone can use it.",
            fix: "Keep the key out of the front-end build (use it only on the server), rotate \
                  it, and rebuild.",
        },
    ),
    (
        "secrets.dotenv_committed",
        Advice {
            headline: "A settings file with secrets is stored in the code",
            impact: "Everyone with access to the repository, now or later, gets the values in \
                     it.",
            fix: "Remove the file from git (git rm --cached), add it to .gitignore, and \
                  rotate the secrets it held.",
        },
    ),
];
