//! The README's "Use it in your crate" section builds: its `Cargo.toml` and
//! `src/main.rs` blocks, taken verbatim, become a fresh crate (the paths
//! pointed at this workspace) that `cargo build --offline` must compile.
//!
//! The build shares this workspace's target directory and lock file, so it
//! reuses every artifact whose features match and pays only for the crates
//! the snippet's own feature set changes (Tokio and what sits on it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A hard limit for the build: a cold build of the snippet's dependencies
/// on two cores stays well under it.
const LIMIT: Duration = Duration::from_secs(480);

/// The environment the nested build keeps (besides `CARGO_BUILD_*`).
const KEPT_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "TMPDIR",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "RUSTFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "CARGO_NET_OFFLINE",
];

/// What the README's snippet writes for "the path of your checkout".
const CHECKOUT: &str = "../kube-client-rs/";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the examples crate sits in the workspace")
        .to_path_buf()
}

/// The fenced blocks of `lang` in `text`.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("a closed code block");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

/// The section `{marks} title` of a Markdown text, up to the next heading of
/// the same level (`marks` is `#` or `##`).
fn section<'a>(text: &'a str, marks: &str, title: &str) -> &'a str {
    let heading = format!("\n{marks} {title}\n");
    let start = text.find(&heading).expect("the section exists") + heading.len();
    let next = format!("\n{marks} ");
    let len = text[start..].find(&next).unwrap_or(text.len() - start);
    &text[start..start + len]
}

#[test]
fn the_readme_snippet_builds_as_a_fresh_crate() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let text = section(&readme, "##", "Use it in your crate");
    let (toml, rust) = (blocks(text, "toml"), blocks(text, "rust"));
    assert_eq!(
        (toml.len(), rust.len()),
        (1, 1),
        "one Cargo.toml, one main.rs"
    );
    let manifest = toml[0];
    for needed in [
        "edition = \"2024\"",
        "rust-version = \"1.95\"",
        "client-core = ",
        "tokio = ",
    ] {
        assert!(manifest.contains(needed), "the snippet lacks {needed}");
    }
    assert_eq!(manifest.matches(CHECKOUT).count(), 2, "{manifest}");
    let manifest = manifest.replace(CHECKOUT, &format!("{}/", root.display()));
    // Its own workspace (it lives under ours), with our dev profile so that
    // the artifacts our build made are reused.
    let manifest = format!(
        "{manifest}\n[workspace]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n\
         [profile.dev.package.\"*\"]\ndebug = false\n"
    );

    let dir = root.join("target").join("readme-snippet");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), rust[0]).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let built = support::run_bounded(
        Command::new(cargo)
            .args(["build", "--offline", "--quiet", "--message-format=short"])
            .current_dir(&dir)
            // The environment of a plain shell: what `cargo test` adds for
            // this test (CARGO_PKG_*, CARGO_MANIFEST_*, LD_LIBRARY_PATH, ...)
            // would make the nested build's fingerprints differ from an
            // outer build's, so each run would rebuild what the last built.
            .env_clear()
            .envs(std::env::vars_os().filter(|(key, _)| {
                key.to_str()
                    .is_some_and(|key| KEPT_ENV.contains(&key) || key.starts_with("CARGO_BUILD_"))
            }))
            .env("CARGO_TARGET_DIR", root.join("target")),
        LIMIT,
        "building the README snippet",
    );
    assert!(
        built.status.success(),
        "the README snippet does not build ({}):\n{}",
        built.status,
        built.stderr
    );
    // The crate docs' short version says the same.
    let front = std::fs::read_to_string(root.join("client-core/docs/front_page.md")).unwrap();
    let short = blocks(section(&front, "#", "Install"), "toml");
    assert_eq!(short.len(), 1);
    for line in short[0].lines().filter(|l| l.contains(" = ")) {
        let dependency = line.split(" #").next().unwrap_or(line).trim_end();
        assert!(
            toml[0].lines().any(|l| l.trim_end() == dependency),
            "client-core's front page says `{dependency}`, the README does not"
        );
    }
    eprintln!("README snippet built in {:?}", started.elapsed());
}
