//! The server secret that keys hashes of who is typing an anonymous draft. It must not live
//! in the database (anyone who can read the database could otherwise recompute the hashes),
//! so it comes from `security.secret`, or from `security.secret_file`, which is created with
//! a fresh random secret on first run.

use std::io::Write;
use std::path::Path;

use aimsbot_config::SecuritySettings;
use aimsbot_workflows::keyed::KeyedHasher;
use anyhow::{Context, bail};
use secrecy::ExposeSecret;

/// Loads the secret, creating the file when it does not exist yet.
pub fn load(settings: &SecuritySettings) -> anyhow::Result<KeyedHasher> {
    if let Some(secret) = &settings.secret {
        return Ok(KeyedHasher::new(secret.expose_secret().as_bytes()));
    }
    let path = &settings.secret_file;
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let secret = text.trim();
            if secret.len() < KeyedHasher::MIN_SECRET_LEN {
                bail!(
                    "the server secret in {} is shorter than {} characters (security.secret_file); \
                     replace it with a longer one, or delete it to have a new one generated",
                    path.display(),
                    KeyedHasher::MIN_SECRET_LEN
                );
            }
            Ok(KeyedHasher::new(secret.as_bytes()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path),
        Err(e) => Err(e).with_context(|| {
            format!(
                "cannot read the server secret {} (security.secret_file)",
                path.display()
            )
        }),
    }
}

fn create(path: &Path) -> anyhow::Result<KeyedHasher> {
    // Two version-4 UUIDs: 244 random bits, as 64 hex digits.
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| {
        format!(
            "cannot create the server secret {} (security.secret_file)",
            path.display()
        )
    })?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()?;
    tracing::warn!(
        path = %path.display(),
        "generated a new server secret for keyed hashes of anonymous drafts; keep this file \
         with your backups but apart from the database (security.secret_file)"
    );
    Ok(KeyedHasher::new(secret.as_bytes()))
}
