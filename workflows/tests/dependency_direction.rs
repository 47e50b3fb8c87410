//! The domain core must not know Discord, SQL or HTTP: its dependency tree holds none of the
//! adapter crates. Fails the build's tests the moment one sneaks in.

use std::process::Command;

const FORBIDDEN: [&str; 5] = ["serenity", "poise", "sqlx", "axum", "reqwest"];

#[test]
fn workflows_depends_on_no_adapter_crate() {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "aimsbot-workflows",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        tree.contains("aimsbot-workflows"),
        "unexpected cargo tree output:\n{tree}"
    );
    let found: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| FORBIDDEN.contains(name))
        .collect();
    assert!(
        found.is_empty(),
        "aimsbot-workflows must not depend on {found:?}:\n{tree}"
    );
}
