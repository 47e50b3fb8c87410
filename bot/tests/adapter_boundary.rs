//! The Discord adapter parses, calls a use case, renders: it never reaches storage itself, so
//! every rule (who may see what, what a request creates, which messages are owed) lives in the
//! use cases that the scheduler, the HTTP API and other chat platforms call too. Fails the
//! moment a file under `bot/src/discord/` names the storage crate or a storage port.

use std::path::{Path, PathBuf};

/// What the adapter may not name: the storage crate, and the ports only use cases reach.
const FORBIDDEN: [&str; 8] = [
    "aimsbot_storage",
    "ports::Store",
    "SessionStore",
    "ports::Outbox",
    "RecordQuery",
    ".store(",
    ".sessions(",
    ".outbox(",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|x| x == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn the_discord_adapter_reaches_storage_only_through_the_use_cases() {
    let adapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/discord");
    let mut files = Vec::new();
    rust_files(&adapter, &mut files);
    assert!(files.len() > 5, "the adapter's files: {files:?}");
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{e}"));
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for forbidden in FORBIDDEN {
                if code.contains(forbidden) {
                    offences.push(format!(
                        "{}:{}: `{forbidden}` in {}",
                        file.strip_prefix(&adapter).unwrap_or(file).display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the Discord adapter must call the use cases (aimsbot_workflows::services), not storage:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_check_catches_a_store_call() {
    // The scanner itself: a line that reaches the store is an offence.
    let line = "let records = ctx.data().shared.store().records(&query).await?;";
    assert!(FORBIDDEN.iter().any(|f| line.contains(f)));
}
