//! `launch-ready lab` prints one `new` line: pasted, it makes a session aimed at the lab
//! that checks the same as one made with every exact `--connect-to` entry.

use launch_ready::commands::lab::{flags, new_line};
use std::collections::BTreeSet;

/// The words of a line the way a POSIX shell splits it.
fn shell_words(line: &str) -> Vec<String> {
    shlex::split(line).expect("the line is valid shell")
}

/// (check, target, status, codes) of each result of `check --session NAME`.
async fn results(data: &str, name: &str) -> BTreeSet<String> {
    let out = crate::common::run_env(
        [
            "check",
            "--session",
            name,
            "--only",
            "dns,http,tls,edge",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--allow-incomplete",
        ]
        .map(String::from)
        .to_vec(),
        &[("LAUNCH_READY_DATA_DIR", data)],
    )
    .await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let codes: Vec<&str> = r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .collect();
            format!(
                "{} {} {} {}",
                r["check"],
                r["target"],
                r["status"],
                codes.join(",")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pasted_new_line_checks_the_lab_as_every_exact_entry_does() {
    let lab = crate::common::lab().await;
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let short = lab.pasteable_settings();
    let line = new_line(&lab, &short);
    let words = shell_words(&line);
    assert_eq!(words[..2], ["launch-ready", "new"]);
    // The web hosts' entries fold into a few wildcards; the mail receiver's one entry
    // (its own port) stays as it is.
    let connect_to = words.iter().filter(|w| *w == "--connect-to").count() - 1;
    let web = lab
        .settings()
        .connect_to
        .iter()
        .filter(|c| c.port != launch_ready_lab::MAIL_PORT)
        .count();
    assert!(line.contains(&format!(
        "--connect-to {}:{}:",
        launch_ready_lab::MAIL_HOST,
        launch_ready_lab::MAIL_PORT
    )));
    assert!(
        connect_to * 4 <= web,
        "{connect_to} web entries against {web}: {line}"
    );

    // The line as printed, and the same session with every exact entry.
    let mut pasted: Vec<String> = words[1..].to_vec();
    pasted.push("--no-open".into());
    let out = crate::common::run_env(pasted, &[("LAUNCH_READY_DATA_DIR", &data_dir)]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let short_flags = shell_words(&flags(&short).join(" "));
    let mut exact: Vec<String> = words[1..words.len() - short_flags.len()].to_vec();
    assert_eq!(words[words.len() - short_flags.len()..], short_flags[..]);
    for w in &mut exact {
        if w == "brightdesk-lab" {
            *w = "brightdesk-exact".into();
        }
    }
    exact.extend(shell_words(&flags(&lab.settings()).join(" ")));
    exact.push("--no-open".into());
    let out = crate::common::run_env(exact, &[("LAUNCH_READY_DATA_DIR", &data_dir)]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let pasted = results(&data_dir, "brightdesk-lab").await;
    let exact = results(&data_dir, "brightdesk-exact").await;
    assert!(pasted.len() > 20, "{pasted:#?}");
    // The lab's defects show through the short line too.
    assert!(
        pasted.iter().any(|r| r.contains("http.exposure")
            && r.contains("admin.brightdesk.test")
            && r.contains("http.env_exposed")),
        "{pasted:#?}"
    );
    assert_eq!(pasted, exact);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn new_refuses_a_bad_flag_and_leaves_no_file() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    for (flag, value, says) in [
        ("--connect-to", "*lab.test:443:127.0.0.1:1", "connect-to"),
        ("--route", "home", "NAME=[METHOD ]PATH"),
        ("--repo", "/nonexistent/repo", "does not exist"),
        ("--nameserver", "not-an-ip", "nameserver"),
    ] {
        let out = crate::common::run_env(
            [
                "new",
                "--runbook",
                "b2b-demo-to-launch",
                "--client",
                "Acme",
                "--domain",
                "acme.test",
                "--no-open",
                flag,
                value,
            ]
            .map(String::from)
            .to_vec(),
            &[("LAUNCH_READY_DATA_DIR", &data_dir)],
        )
        .await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(err.contains(says), "{flag}: {err}");
        assert!(
            !data.path().join("sessions/acme.ron").exists(),
            "{flag} left a session behind"
        );
    }
}
